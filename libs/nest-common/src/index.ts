export * from './errors/api-error';
export * from './errors/error-codes';
export * from './errors/format-graphql-error';
export * from './errors/rest-exception.filter';
export * from './migrate-cli';
export * from './secrets';
export * from './validation';
export * from './database';

export * from './prng';
export * from './register';
export * from './reportable';
export * from './stream';

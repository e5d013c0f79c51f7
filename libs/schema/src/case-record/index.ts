export * from './identifiable';
export * from './decorators';
export * from './client.record';
export * from './incident.record';
export * from './service.record';
export * from './consultation.record';
export * from './validate';

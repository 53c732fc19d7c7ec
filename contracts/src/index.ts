export * from './errors.ts';
export * from './events.ts';
export * from './commands.ts';
export * from './api.ts';
export * from './scopes.ts';
export * from './masking.ts';
export * from './eventMessage.ts';
export * from './asyncApi.ts';

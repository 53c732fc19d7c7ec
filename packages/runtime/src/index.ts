export * from './keyring.ts';
export * from './env.ts';
export * from './metrics.ts';
export * from './opsServer.ts';
export * from './lifecycle.ts';

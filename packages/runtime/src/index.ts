export * from './keyring.ts';
export * from './env.ts';
export * from './metrics.ts';
export * from './opsServer.ts';
export * from './lifecycle.ts';
export * from './commonSettings.ts';
export * from './adapters.ts';
export * from './auditKey.ts';

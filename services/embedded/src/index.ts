export * from './config.ts';
export * from './embedded.ts';
export * from './keyring.ts';

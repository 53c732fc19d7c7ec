export * from './config.ts';
export * from './embedded.ts';

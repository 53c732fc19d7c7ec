export * from './keyStore.ts';
export * from './sqliteKeyStore.ts';
export * from './mongoKeyStore.ts';
export * from './protector.ts';
export * from './protectedEventStore.ts';

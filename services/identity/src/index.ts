export * from './application/identityService.ts';
export * from './application/identityConfig.ts';
export * from './application/relay.ts';
export * from './adapters/fileCheckpointStore.ts';
export * from './adapters/fileBreachedPasswordList.ts';
export * from './application/breachedPasswordList.ts';
export * from './application/commandServer.ts';
export * from './identityEnv.ts';

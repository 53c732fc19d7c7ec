export * from './deciderSpecification.ts';
export * from './eventually.ts';
export * from './freePort.ts';
export * from './identityEvents.ts';
export * from './messages.ts';
export * from './requireServer.ts';
export * from './scratchMongoDatabase.ts';
export * from './softwareAuthenticator.ts';

export * from './deciderSpecification.ts';
export * from './freePort.ts';
export * from './requireServer.ts';
export * from './scratchMongoDatabase.ts';

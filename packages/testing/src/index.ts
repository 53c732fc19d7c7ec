export * from './deciderSpecification.ts';
export * from './requireServer.ts';

/**
 * HTTP bodies of the public API. The gateway validates with these and
 * @fastify/swagger turns them into the OpenAPI document served at /docs, so
 * each schema states exactly what the server enforces: a request that fits
 * its schema is never answered 400 (docs/adr/0020-contracts-say-what-the-server-enforces.md).
 * Every string and array is bounded so that any schema-valid body fits under
 * the gateway's body limit, however it is encoded.
 */
export { apiFormats, E164_PATTERN, passwordLength } from './fields.ts';
export * from './envelope.ts';
export * from './accountFlow.ts';
export * from './signedInUser.ts';
export * from './accounts.ts';
export * from './kyc.ts';
export * from './erasure.ts';
export * from './oauth.ts';
export * from './stepUp.ts';
export * from './recoveryCodes.ts';
export * from './userSessions.ts';
export * from './phoneNumber.ts';
export * from './passkeyRequestOptions.ts';
export * from './passkeys.ts';

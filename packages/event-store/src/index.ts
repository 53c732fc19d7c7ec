export type {
  AppendResult,
  ChainLink,
  ChainUpgrade,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from './eventStore.ts';
export { WrongExpectedRevisionError } from './eventStore.ts';
export { createSqliteEventStore } from './sqliteEventStore.ts';
export type { SqliteEventStoreOptions } from './sqliteEventStore.ts';
export { createEventStoreDbEventStore } from './eventStoreDbEventStore.ts';
export type { EventStoreDbEventStoreOptions } from './eventStoreDbEventStore.ts';
export { canonicalJson, CHAIN_VERSION, eventHash, GENESIS_HASH, nextLogHash } from './chain.ts';
export type { ChainedContent } from './chain.ts';
export {
  CHECKPOINT_EVENT_TYPE,
  CHECKPOINT_STREAM,
  canonicalJsonSignatureValid,
  checkpointSignatureValid,
  checkpointSigningInput,
  generateAuditKey,
  keyIdOf,
  publicPartOf,
  signCanonicalJson,
  signCheckpoint,
} from './checkpoints.ts';
export type { AuditKey, AuditPublicKey, CheckpointBody, SignedCheckpoint } from './checkpoints.ts';
export { createLogVerifier } from './logVerifier.ts';
export type { BreakKind, ChainedEvent, LogBreak, VerifyOptions, VerifyReport } from './logVerifier.ts';

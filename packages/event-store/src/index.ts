export type {
  AppendResult,
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
export * from './checkpoints.ts';

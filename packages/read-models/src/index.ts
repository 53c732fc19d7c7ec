export type { ViewCollection, ViewStore } from './viewStore.ts';
export type { BatchCommittingViewStore } from './batchCommittingViewStore.ts';
export type { SqliteViewStoreOptions } from './sqliteViewStore.ts';
export { createSqliteViewStore } from './sqliteViewStore.ts';
export type { MongoViewStoreOptions } from './mongoViewStore.ts';
export { createMongoViewStore } from './mongoViewStore.ts';

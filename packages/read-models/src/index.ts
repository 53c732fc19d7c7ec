export type { ViewCollection, ViewStore } from './viewStore.ts';
export type { SqliteViewStoreOptions } from './sqliteViewStore.ts';
export { createSqliteViewStore } from './sqliteViewStore.ts';

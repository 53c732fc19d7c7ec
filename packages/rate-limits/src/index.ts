export type { RateLimitStore, WindowCount } from './rateLimitStore.ts';
export { windowOf } from './rateLimitStore.ts';
export type { InMemoryRateLimitStoreOptions } from './inMemoryRateLimitStore.ts';
export { createInMemoryRateLimitStore } from './inMemoryRateLimitStore.ts';
export type { MongoRateLimitStore, MongoRateLimitStoreOptions } from './mongoRateLimitStore.ts';
export { createMongoRateLimitStore } from './mongoRateLimitStore.ts';

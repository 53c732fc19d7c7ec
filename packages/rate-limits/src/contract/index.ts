export type { RateLimitStoreContractOptions } from './rateLimitStoreContract.ts';
export { rateLimitStoreContract } from './rateLimitStoreContract.ts';

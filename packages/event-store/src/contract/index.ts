export { eventStoreContract } from './eventStoreContract.ts';
export type { EventStoreContractOptions } from './eventStoreContract.ts';

export type { ViewStoreContractOptions } from './viewStoreContract.ts';
export { viewStoreContract } from './viewStoreContract.ts';

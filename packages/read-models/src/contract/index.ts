export type { ViewStoreContractOptions } from './viewStoreContract.ts';
export { viewStoreContract } from './viewStoreContract.ts';
export type {
  BatchCommittingViewStoreContractOptions,
  OpenedBatchCommittingStore,
} from './batchCommittingViewStoreContract.ts';
export { batchCommittingViewStoreContract } from './batchCommittingViewStoreContract.ts';

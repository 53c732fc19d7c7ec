export type { MessageBusContractOptions } from './messageBusContract.ts';
export { messageBusContract } from './messageBusContract.ts';
export { eventually, settle } from './eventually.ts';
export type { BatchSubscribingBusContractOptions } from './batchSubscribingBusContract.ts';
export { batchSubscribingBusContract } from './batchSubscribingBusContract.ts';

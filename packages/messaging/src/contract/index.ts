export type { MessageBusContractOptions } from './messageBusContract.ts';
export { messageBusContract } from './messageBusContract.ts';
export { eventually, settle } from './eventually.ts';

export type { KeyStoreContractOptions } from './keyStoreContract.ts';
export { keyStoreContract } from './keyStoreContract.ts';

export { kycProviderContract, walletIssuerContract } from './providerContracts.ts';

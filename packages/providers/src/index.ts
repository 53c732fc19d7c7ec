export * from './kycProvider.ts';
export * from './walletIssuer.ts';
export * from './devKycProvider.ts';
export * from './devWalletIssuer.ts';

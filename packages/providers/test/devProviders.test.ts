import t from 'tap';
import { createDevKycProvider, createDevWalletIssuer } from '../src/index.ts';
import { kycProviderContract, walletIssuerContract } from '../src/contract/index.ts';

await kycProviderContract(t, {
  name: 'dev KYC provider',
  create: () => createDevKycProvider({ publicBaseUrl: 'http://127.0.0.1:8080/' }),
});
// Base58 of a 32-byte Ed25519 public key: 32 to 44 characters, no 0, O, I or l.
await walletIssuerContract(t, {
  name: 'dev wallet',
  create: createDevWalletIssuer,
  addressPattern: /^[1-9A-HJ-NP-Za-km-z]{32,44}$/,
});

t.test("the dev provider sends the user to the gateway's own page for the identification", async (t) => {
  const { identificationId, identificationUrl } = await createDevKycProvider({
    publicBaseUrl: 'http://127.0.0.1:8080/',
  }).startIdentification({ userId: 'u1' });
  t.equal(identificationUrl, `http://127.0.0.1:8080/dev/kyc/${identificationId}`);
});

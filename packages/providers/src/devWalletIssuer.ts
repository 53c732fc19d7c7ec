import { generateKeyPairSync } from 'node:crypto';
import bs58 from 'bs58';
import type { WalletIssuer } from './walletIssuer.ts';

/**
 * For development: each address is the public key of a fresh Ed25519 key
 * pair in base58, the form Solana uses. The private key is dropped at once:
 * a dev wallet holds nothing of value, and no key reaches the log.
 */
export function createDevWalletIssuer(): WalletIssuer {
  return {
    name: 'dev',
    async issueAddress() {
      const { publicKey } = generateKeyPairSync('ed25519');
      // The last 32 bytes of the SPKI encoding are the raw public key.
      const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
      return { publicAddress: bs58.encode(raw) };
    },
  };
}

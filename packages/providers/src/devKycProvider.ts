import { randomUUID } from 'node:crypto';
import type { KycProvider } from './kycProvider.ts';

/**
 * For development: identifications whose page is served by the gateway
 * itself (`/dev/kyc/<identificationId>`), where the verdict is chosen by hand
 * and sent to the callback signed like a real provider's.
 */
export function createDevKycProvider(options: { publicBaseUrl: string | (() => string) }): KycProvider {
  // A function when the gateway's address is known only once it listens (port 0).
  const baseUrl =
    typeof options.publicBaseUrl === 'string' ? () => options.publicBaseUrl as string : options.publicBaseUrl;
  return {
    name: 'dev',
    async startIdentification() {
      const base = baseUrl().replace(/\/$/, '');
      const identificationId = `dev-${randomUUID()}`;
      return { identificationId, identificationUrl: `${base}/dev/kyc/${identificationId}` };
    },
  };
}

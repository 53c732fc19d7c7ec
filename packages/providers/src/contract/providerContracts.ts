import type { Test } from 'tap';
import type { KycProvider } from '../kycProvider.ts';
import type { WalletIssuer } from '../walletIssuer.ts';

/** What every KYC provider adapter must do; run it from the adapter's test file. */
export async function kycProviderContract(
  t: Test,
  options: { name: string; create: () => KycProvider },
): Promise<void> {
  t.test(`${options.name}: each identification has its own id and an absolute URL`, async (t) => {
    const provider = options.create();
    t.match(provider.name, /^[a-z0-9-]{1,32}$/, 'a short name for events');
    const started = await Promise.all(
      Array.from({ length: 20 }, () => provider.startIdentification({ userId: 'user-1' })),
    );
    t.equal(new Set(started.map((one) => one.identificationId)).size, 20, 'ids never repeat');
    for (const { identificationId, identificationUrl } of started) {
      t.match(identificationId, /^[A-Za-z0-9-]{1,64}$/, 'an id that fits the events and the callback');
      t.match(new URL(identificationUrl).protocol, /^https?:$/, 'a URL the user can open');
    }
  });
}

/** What every wallet adapter must do; run it from the adapter's test file. */
export async function walletIssuerContract(
  t: Test,
  options: { name: string; create: () => WalletIssuer; addressPattern: RegExp },
): Promise<void> {
  t.test(`${options.name}: each portfolio gets its own address, and only the address comes back`, async (t) => {
    const wallet = options.create();
    const issued = await Promise.all(
      Array.from({ length: 20 }, (_, index) => wallet.issueAddress({ portfolioId: `p-${index}` })),
    );
    t.equal(new Set(issued.map((one) => one.publicAddress)).size, 20, 'addresses never repeat');
    for (const answer of issued) {
      t.same(Object.keys(answer), ['publicAddress'], 'no key material in the answer');
      t.match(answer.publicAddress, options.addressPattern);
      t.ok(answer.publicAddress.length <= 128, 'fits the event');
    }
  });
}

/** KYC over a fake identity: the user starts an identification; the provider's signed verdict comes back. */
import t from 'tap';
import { signKycCallback } from '../../src/index.ts';
import { gatewayWithFakeIdentity, kycWebhookSecret } from '../fakeIdentityGateway.ts';
import {
  assertError,
  assertRefusalsMapped,
  assertSchemaRefusal,
  assertUserTokenRequired,
  bearer,
  lastCommand,
  type Request,
} from './routeChecks.ts';

const gateway = await gatewayWithFakeIdentity();
t.teardown(() => gateway.close());
await gateway.views.kycIdentifications.upsert(
  'k1',
  { identificationId: 'k1', userId: 'u1', status: 'PENDING', attempt: 1 },
  5,
);

t.test('GET /v1/kyc/start', async (t) => {
  const start = (query = ''): Request => ({
    method: 'GET',
    url: `/v1/kyc/start${query}`,
    headers: { ...bearer(gateway.userToken()), 'x-correlation-id': 'kyc-start-0001' },
  });
  const started = {
    identificationId: 'k2',
    identificationUrl: 'https://kyc.example.test/k2',
    numberOfAttempts: 2,
    attemptsLeft: 1,
  };

  t.test('a query that is not UTF-8 is refused', async (t) => {
    await assertSchemaRefusal(t, gateway, start('?x=%FF'), 'INVALID_TEXT_ENCODING');
  });

  t.test('a user token of a live login is required', async (t) => {
    await assertUserTokenRequired(t, gateway, start());
  });

  t.test('sends StartKyc for the token’s user, and answers where to send them', async (t) => {
    gateway.answer(() => ({ ok: true, data: started }));
    const answer = await gateway.app.inject(start());
    t.equal(answer.statusCode, 200);
    t.equal(answer.headers['cache-control'], 'no-store');
    t.same(answer.json(), { success: true, data: started, errorCode: 0, errorMessage: '' });
    t.same(lastCommand(gateway), {
      type: 'StartKyc',
      metadata: { correlationId: 'kyc-start-0001', clientId: 'acme' },
      payload: { userId: 'u1' },
    });
  });

  t.test('identity’s refusals are answered with their catalogued status and envelope', async (t) => {
    await assertRefusalsMapped(t, gateway, start(), [
      'KYC_ATTEMPTS_EXHAUSTED',
      'USER_NOT_FOUND',
      'KYC_ALREADY_APPROVED',
      'DEPENDENCY_UNAVAILABLE',
    ]);
  });
});

t.test('POST /v1/kyc/callback', async (t) => {
  let deliveries = 0;
  /** A delivery signed as the provider signs it; each one distinct, unless `at` and the body repeat. */
  const callback = (
    verdict: object = { identificationId: 'k1', status: 'APPROVED' },
    options: { at?: number; signature?: string | null; secret?: string } = {},
  ): Request => {
    deliveries += 1;
    const at = options.at ?? Math.floor(Date.now() / 1000) - deliveries;
    const raw = JSON.stringify(verdict);
    const signature =
      options.signature === undefined
        ? signKycCallback(options.secret ?? kycWebhookSecret, at, raw)
        : options.signature;
    return {
      method: 'POST',
      url: '/v1/kyc/callback',
      headers: {
        'content-type': 'application/json',
        'x-tessera-timestamp': String(at),
        'x-correlation-id': 'kyc-callback-1',
        ...(signature === null ? {} : { 'x-tessera-signature': signature }),
      },
      payload: raw,
    };
  };
  const recorded = (status: 'APPROVED' | 'REJECTED') => () => ({
    ok: true as const,
    data: { userId: 'u1', identificationId: 'k1', kycStatus: status, activatedAccountIds: [] },
  });

  t.test('a body that breaks the schema is refused before identity', async (t) => {
    await assertSchemaRefusal(t, gateway, callback({ identificationId: 'k1', status: 'MAYBE' }));
    await assertSchemaRefusal(t, gateway, callback({ identificationId: 'k1', status: 'APPROVED', score: 9 }));
    await assertSchemaRefusal(t, gateway, { ...callback(), payload: '{"identificationId":' }, 'MALFORMED_BODY');
  });

  t.test('an unsigned, wrongly signed or stale callback is refused, and identity is not asked', async (t) => {
    const before = gateway.sent.length;
    for (const [request, name, why] of [
      [callback(undefined, { signature: null }), 'WEBHOOK_SIGNATURE_INVALID', 'no signature'],
      [callback(undefined, { secret: 'another secret' }), 'WEBHOOK_SIGNATURE_INVALID', 'signed with another secret'],
      [callback(undefined, { signature: 'sha256=00' }), 'WEBHOOK_SIGNATURE_INVALID', 'a signature of the wrong size'],
      [callback(undefined, { at: Math.floor(Date.now() / 1000) - 301 }), 'WEBHOOK_STALE', 'signed over 5 minutes ago'],
      [callback(undefined, { at: Math.floor(Date.now() / 1000) + 301 }), 'WEBHOOK_STALE', 'signed 5 minutes ahead'],
    ] as const) {
      assertError(t, gateway, request, await gateway.app.inject(request), name, why);
    }
    t.equal(gateway.sent.length, before);
  });

  t.test('a verdict on an identification the read model does not hold is not found', async (t) => {
    const request = callback({ identificationId: 'k-unknown', status: 'APPROVED' });
    assertError(t, gateway, request, await gateway.app.inject(request), 'KYC_IDENTIFICATION_UNKNOWN');
  });

  t.test('sends RecordKycVerdict for the identification’s user, once per delivery', async (t) => {
    gateway.answer(recorded('REJECTED'));
    const request = callback({ identificationId: 'k1', status: 'REJECTED', reason: 'Document expired' });
    const answer = await gateway.app.inject(request);
    t.equal(answer.statusCode, 200);
    t.same(answer.json().data, { identificationId: 'k1', kycStatus: 'REJECTED' });
    t.same(lastCommand(gateway), {
      type: 'RecordKycVerdict',
      metadata: { correlationId: 'kyc-callback-1', clientId: 'kyc-provider' },
      payload: { userId: 'u1', identificationId: 'k1', status: 'REJECTED', reason: 'Document expired' },
    });
    const before = gateway.sent.length;
    assertError(t, gateway, request, await gateway.app.inject(request), 'WEBHOOK_REPLAYED', 'the same delivery again');
    t.equal(gateway.sent.length, before, 'identity is not asked again');
  });

  t.test('identity’s refusals are answered with their catalogued status and envelope', async (t) => {
    for (const name of ['KYC_VERDICT_CONFLICT', 'USER_NOT_FOUND', 'DEPENDENCY_UNAVAILABLE'] as const) {
      await assertRefusalsMapped(t, gateway, callback(), [name]);
    }
  });

  t.test('a delivery identity could not take can be delivered again', async (t) => {
    const request = callback();
    gateway.answer(() => ({ ok: false, error: 'DEPENDENCY_UNAVAILABLE' }));
    t.equal((await gateway.app.inject(request)).statusCode, 503);
    gateway.answer(recorded('APPROVED'));
    t.equal((await gateway.app.inject(request)).statusCode, 200, 'the retry goes through');
  });
});

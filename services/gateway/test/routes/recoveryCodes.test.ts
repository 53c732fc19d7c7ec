/**
 * Recovery codes over a fake identity: generating them with the password or a
 * step-up token, and answering a login challenge with one.
 */
import t from 'tap';
import type { StepUpVerified } from '@tessera/contracts';
import { gatewayWithFakeIdentity } from '../fakeIdentityGateway.ts';
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

const post = (url: string, payload: object, token: string): Request => ({
  method: 'POST',
  url,
  headers: { ...bearer(token), 'x-correlation-id': 'recovery-codes-0001' },
  payload,
});
const codes = Array.from({ length: 10 }, (_, index) => `k7m2q-x9fh${index}`);
const generatedAnswer = () => ({
  ok: true as const,
  data: { userId: 'u1', recoveryCodes: codes, generatedAt: '2026-01-01T10:00:00.000Z' },
});

/** A step-up token for new recovery codes: an action without a transaction. */
const stepUpToken = (verified: Partial<StepUpVerified> = {}) =>
  gateway.stepUpToken({ action: 'MANAGE_RECOVERY_CODES', transactionHash: undefined, ...verified });

t.test('POST /v1/user/recovery-codes', async (t) => {
  const generate = (payload: object = { password: 'correct horse battery' }) =>
    post('/v1/user/recovery-codes', payload, gateway.userToken());

  t.test('a body with neither or both proofs, or anything else, is refused before identity', async (t) => {
    await assertSchemaRefusal(t, gateway, generate({}));
    await assertSchemaRefusal(t, gateway, generate({ password: 'correct horse battery', stepUpToken: 'a.b.c' }));
    await assertSchemaRefusal(t, gateway, generate({ password: 'correct horse battery', count: 20 }));
    await assertSchemaRefusal(t, gateway, generate({ stepUpToken: 'not a token' }));
  });

  t.test('a user token of a live login is required', async (t) => {
    await assertUserTokenRequired(t, gateway, generate());
  });

  t.test('with the password: GenerateRecoveryCodes for the token’s user and login, the password sealed', async (t) => {
    gateway.answer(generatedAnswer);
    const answer = await gateway.app.inject(generate());
    t.equal(answer.statusCode, 200);
    t.equal(answer.headers['cache-control'], 'no-store', 'the codes are not kept by any cache');
    t.same(answer.json().data, { recoveryCodes: codes, generatedAt: '2026-01-01T10:00:00.000Z' });
    const command = lastCommand(gateway);
    t.match(command, {
      type: 'GenerateRecoveryCodes',
      metadata: { correlationId: 'recovery-codes-0001', clientId: 'acme' },
      payload: { userId: 'u1', familyId: 'f1', sealedSecrets: String },
    });
    const sealed = command?.type === 'GenerateRecoveryCodes' ? (command.payload.sealedSecrets ?? '') : '';
    t.same(gateway.unseal(sealed), { password: 'correct horse battery' }, 'the password, for identity alone');
  });

  t.test('with a step-up token: its step-up and id, for identity to consume', async (t) => {
    const token = await stepUpToken();
    gateway.answer(generatedAnswer);
    const answer = await gateway.app.inject(generate({ stepUpToken: token }));
    t.equal(answer.statusCode, 200);
    const command = lastCommand(gateway);
    t.match(command, {
      type: 'GenerateRecoveryCodes',
      payload: { userId: 'u1', familyId: 'f1', stepUp: { stepUpId: 'su1', tokenId: 't1' } },
    });
    t.notOk(command?.type === 'GenerateRecoveryCodes' && command.payload.sealedSecrets, 'no password');
  });

  t.test("another user's step-up token, or anything but a step-up token, is refused before identity", async (t) => {
    const othersToken = await stepUpToken({ userId: 'u2' });
    const before = gateway.sent.length;
    for (const [other, why] of [
      [othersToken, "another user's step-up token"],
      [gateway.userToken(), 'an access token'],
      ['not.a.token', 'garbage'],
    ] as const) {
      const request = generate({ stepUpToken: other });
      assertError(t, gateway, request, await gateway.app.inject(request), 'STEP_UP_TOKEN_INVALID', why);
    }
    t.equal(gateway.sent.length, before, 'identity is not asked');
  });

  t.test('identity’s refusals are answered with their catalogued status and envelope', async (t) => {
    await assertRefusalsMapped(t, gateway, generate(), [
      'INVALID_CREDENTIALS',
      'STEP_UP_SESSION_ENDED',
      'ACCOUNT_LOCKED',
      'LOGIN_TEMPORARILY_LOCKED',
      'STEP_UP_TOKEN_INVALID',
      'STEP_UP_TOKEN_EXPIRED',
      'STEP_UP_TOKEN_REVOKED',
      'STEP_UP_TOKEN_ALREADY_USED',
      'STEP_UP_ACTION_MISMATCH',
      'DEPENDENCY_UNAVAILABLE',
    ]);
  });
});

t.test('POST /v1/user/otp with a recovery code', async (t) => {
  const body = { sessionId: 's1', username: 'ada@example.com', challengeType: 'RECOVERY_CODE', code: 'K7M2Q-X9FH4' };
  const verify = (payload: object = body) => post('/v1/user/otp', payload, gateway.clientToken());

  t.test('each challenge type takes only its own kind of code', async (t) => {
    await assertSchemaRefusal(t, gateway, verify({ ...body, code: '4821' }), 'VALIDATION_FAILED');
    await assertSchemaRefusal(t, gateway, verify({ ...body, code: 'k7m2q-x9fi4' }), 'VALIDATION_FAILED');
    await assertSchemaRefusal(t, gateway, verify({ ...body, code: 'k7m2q--x9fh4' }), 'VALIDATION_FAILED');
    await assertSchemaRefusal(t, gateway, verify({ ...body, challengeType: 'SMS_OTP' }), 'VALIDATION_FAILED');
    await assertSchemaRefusal(t, gateway, verify({ ...body, challengeType: 'PASSKEY' }), 'VALIDATION_FAILED');
  });

  t.test('sends VerifyOtp with the challenge type and the code sealed, and answers tokens', async (t) => {
    gateway.answer(() => ({
      ok: true,
      data: {
        purpose: 'LOGIN',
        userId: 'u1',
        sessionId: 's1',
        familyId: 'f9',
        roles: ['USER'],
        refreshExpiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      },
    }));
    const answer = await gateway.app.inject(verify({ ...body, code: 'k7m2qx9fh4' }));
    t.equal(answer.statusCode, 200);
    t.match(answer.json().data, { userId: 'u1', accessToken: String, refreshToken: String });
    const command = lastCommand(gateway);
    t.match(command, { type: 'VerifyOtp', payload: { sessionId: 's1', challengeType: 'RECOVERY_CODE' } });
    const sealed = command?.type === 'VerifyOtp' ? command.payload.sealedSecrets : '';
    t.same(gateway.unseal(sealed), { code: 'k7m2qx9fh4' }, 'the code, for identity alone');
  });

  t.test('a step-up session refuses it with its catalogued code', async (t) => {
    await assertRefusalsMapped(t, gateway, verify(), ['CHALLENGE_TYPE_MISMATCH', 'OTP_INVALID', 'ACCOUNT_LOCKED']);
  });
});

/**
 * Passkeys over a fake identity: creation options, registering with the
 * password or a MANAGE_PASSKEYS step-up token, the list, the removal, a login
 * answer carrying request options, and a passkey answering POST /v1/user/otp.
 */
import t from 'tap';
import { example, type StepUpVerified } from '@tessera/contracts';
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
import { aUser } from './viewMothers.ts';

const gateway = await gatewayWithFakeIdentity();
t.teardown(() => gateway.close());

const request = (method: Request['method'], url: string, token: string, payload?: object): Request => ({
  method,
  url,
  headers: { ...bearer(token), 'x-correlation-id': 'passkeys-0001' },
  ...(payload ? { payload } : {}),
});
const credentialId = example.passkeyCredentialId;
const registration = {
  id: credentialId,
  rawId: credentialId,
  type: 'public-key',
  response: { ...example.passkeyRegistration, transports: ['internal', 'hybrid'] },
  authenticatorAttachment: 'platform',
  clientExtensionResults: { credProps: { rk: true } },
};
const assertion = {
  id: credentialId,
  rawId: credentialId,
  type: 'public-key',
  response: example.passkeyAssertion,
  authenticatorAttachment: 'platform',
  clientExtensionResults: {},
};
const registeredAt = '2026-01-01T10:00:00.000Z';
const registeredAnswer = () => ({ ok: true as const, data: { userId: 'u1', credentialId, registeredAt } });
const stepUpToken = (verified: Partial<StepUpVerified> = {}) =>
  gateway.stepUpToken({ action: 'MANAGE_PASSKEYS', transactionHash: undefined, ...verified });

t.test('POST /v1/user/passkeys/options', async (t) => {
  const ask = () => request('POST', '/v1/user/passkeys/options', gateway.userToken(), {});

  t.test('a user token of a live login is required, and the body is empty', async (t) => {
    await assertUserTokenRequired(t, gateway, ask());
    await assertSchemaRefusal(t, gateway, { ...ask(), payload: { userName: 'someone else' } });
  });

  t.test("asks identity for options named after the user's email, and answers them unstored", async (t) => {
    await gateway.views.users.upsert('u1', aUser(), 7);
    const options = { challenge: example.passkeyChallenge, rp: { id: 'acme.example', name: 'Acme' } };
    const full = {
      ...options,
      user: { id: 'dTE', name: 'ada@example.com', displayName: 'ada@example.com' },
      pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
      authenticatorSelection: { userVerification: 'required' },
    };
    gateway.answer(() => ({ ok: true, data: { options: full } }));
    const answer = await gateway.app.inject(ask());
    t.equal(answer.statusCode, 200);
    t.equal(answer.headers['cache-control'], 'no-store');
    t.same(answer.json().data, { options: full }, 'the options as identity made them');
    t.match(lastCommand(gateway), {
      type: 'StartPasskeyRegistration',
      metadata: { clientId: 'acme' },
      payload: { userId: 'u1', familyId: 'f1', userName: aUser().email },
    });
  });

  t.test('a client without a relying party answers 422 PASSKEYS_NOT_OFFERED', async (t) => {
    await assertRefusalsMapped(t, gateway, ask(), ['PASSKEYS_NOT_OFFERED', 'UNAUTHENTICATED']);
  });
});

t.test('POST /v1/user/passkeys', async (t) => {
  const register = (payload: object = { response: registration, password: 'correct horse battery' }) =>
    request('POST', '/v1/user/passkeys', gateway.userToken(), payload);

  t.test('a body with neither or both proofs, or a malformed registration, is refused before identity', async (t) => {
    await assertSchemaRefusal(t, gateway, register({ response: registration }));
    await assertSchemaRefusal(t, gateway, register({ response: registration, password: 'x', stepUpToken: 'a.b.c' }));
    await assertSchemaRefusal(t, gateway, register({ password: 'correct horse battery' }));
    const broken = (change: object) => register({ response: { ...registration, ...change }, password: 'x' });
    await assertSchemaRefusal(t, gateway, broken({ id: 'not base64url!' }));
    await assertSchemaRefusal(t, gateway, broken({ id: 'A'.repeat(101) }), 'VALIDATION_FAILED');
    await assertSchemaRefusal(t, gateway, broken({ type: 'password' }));
    await assertSchemaRefusal(t, gateway, broken({ extra: true }));
    await assertSchemaRefusal(t, gateway, broken({ response: { clientDataJSON: 'abc' } }));
    await assertSchemaRefusal(
      t,
      gateway,
      broken({ response: { ...registration.response, attestationObject: 'A'.repeat(1025) } }),
    );
  });

  t.test('a user token of a live login is required', async (t) => {
    await assertUserTokenRequired(t, gateway, register());
  });

  t.test('with the password: 201, RegisterPasskey with the registration and the password sealed', async (t) => {
    gateway.answer(registeredAnswer);
    const answer = await gateway.app.inject(register());
    t.equal(answer.statusCode, 201);
    t.equal(answer.headers['cache-control'], 'no-store');
    t.same(answer.json().data, { credentialId, registeredAt });
    const command = lastCommand(gateway);
    t.match(command, {
      type: 'RegisterPasskey',
      metadata: { correlationId: 'passkeys-0001', clientId: 'acme' },
      payload: { userId: 'u1', familyId: 'f1', response: registration, sealedSecrets: String },
    });
    const sealed = command?.type === 'RegisterPasskey' ? (command.payload.sealedSecrets ?? '') : '';
    t.same(gateway.unseal(sealed), { password: 'correct horse battery' }, 'the password, for identity alone');
  });

  t.test('the smallest registration a browser sends is taken', async (t) => {
    gateway.answer(registeredAnswer);
    const { id, rawId, type } = registration;
    const response = { ...example.passkeyRegistration };
    const answer = await gateway.app.inject(register({ response: { id, rawId, type, response }, password: 'p' }));
    t.equal(answer.statusCode, 201);
  });

  t.test('with a step-up token for MANAGE_PASSKEYS: its step-up and id, for identity to consume', async (t) => {
    const token = await stepUpToken();
    gateway.answer(registeredAnswer);
    const answer = await gateway.app.inject(register({ response: registration, stepUpToken: token }));
    t.equal(answer.statusCode, 201);
    const command = lastCommand(gateway);
    t.match(command, {
      type: 'RegisterPasskey',
      payload: { userId: 'u1', familyId: 'f1', stepUp: { stepUpId: 'su1', tokenId: 't1' } },
    });
    t.notOk(command?.type === 'RegisterPasskey' && command.payload.sealedSecrets, 'no password');
  });

  t.test("another user's step-up token, or anything but a step-up token, is refused before identity", async (t) => {
    const othersToken = await stepUpToken({ userId: 'u2' });
    const before = gateway.sent.length;
    for (const [other, why] of [
      [othersToken, "another user's step-up token"],
      [gateway.userToken(), 'an access token'],
    ] as const) {
      const refused = register({ response: registration, stepUpToken: other });
      assertError(t, gateway, refused, await gateway.app.inject(refused), 'STEP_UP_TOKEN_INVALID', why);
    }
    t.equal(gateway.sent.length, before, 'identity is not asked');
  });

  t.test('identity’s refusals are answered with their catalogued status and envelope', async (t) => {
    await assertRefusalsMapped(t, gateway, register(), [
      'INVALID_CREDENTIALS',
      'ACCOUNT_LOCKED',
      'LOGIN_TEMPORARILY_LOCKED',
      'STEP_UP_TOKEN_EXPIRED',
      'STEP_UP_TOKEN_ALREADY_USED',
      'STEP_UP_ACTION_MISMATCH',
      'PASSKEY_REGISTRATION_INVALID',
      'PASSKEY_ALREADY_REGISTERED',
      'PASSKEYS_NOT_OFFERED',
      'DEPENDENCY_UNAVAILABLE',
    ]);
  });
});

t.test('GET /v1/user/passkeys', async (t) => {
  const list = () => request('GET', '/v1/user/passkeys', gateway.userToken());
  t.test('a user token of a live login is required', async (t) => {
    await assertUserTokenRequired(t, gateway, list());
  });
  t.test("answers identity's list for the token's user and login", async (t) => {
    const passkeys = [{ credentialId, transports: ['internal'], registeredAt }];
    gateway.answer(() => ({ ok: true, data: { passkeys } }));
    const answer = await gateway.app.inject(list());
    t.equal(answer.statusCode, 200);
    t.same(answer.json().data, { passkeys });
    t.match(lastCommand(gateway), { type: 'ListPasskeys', payload: { userId: 'u1', familyId: 'f1' } });
  });
});

t.test('DELETE /v1/user/passkeys/{credentialId}', async (t) => {
  const remove = (id: string = credentialId) => request('DELETE', `/v1/user/passkeys/${id}`, gateway.userToken());
  t.test('a user token of a live login is required', async (t) => {
    await assertUserTokenRequired(t, gateway, remove());
  });
  t.test('an id that is no credential id is refused before identity', async (t) => {
    await assertSchemaRefusal(t, gateway, remove('not*an*id'));
    const tooLong = await gateway.app.inject(remove('A'.repeat(101)));
    t.equal(tooLong.statusCode, 414, 'longer than a path parameter may be');
  });
  t.test('RemovePasskey for the token’s user and login; an unknown one is 404', async (t) => {
    gateway.answer(() => ({ ok: true, data: { userId: 'u1', credentialId, removed: true } }));
    const answer = await gateway.app.inject(remove());
    t.equal(answer.statusCode, 200);
    t.same(answer.json().data, { credentialId, removed: true });
    t.match(lastCommand(gateway), { type: 'RemovePasskey', payload: { userId: 'u1', familyId: 'f1', credentialId } });
    await assertRefusalsMapped(t, gateway, remove(), ['PASSKEY_NOT_FOUND']);
  });
});

t.test('POST /v1/user/login carries the passkey request options identity gave', async (t) => {
  const login = () => ({
    ...request('POST', '/v1/user/login', gateway.clientToken(), {
      username: 'ada@example.com',
      password: 'correct horse battery',
    }),
  });
  const challenge = {
    sessionId: 's1',
    challengeType: 'SMS_OTP',
    codeDeliveryDestination: '+33******78',
    expiresIn: 300,
  };
  const passkeyOptions = {
    challenge: example.passkeyChallenge,
    rpId: 'acme.example',
    allowCredentials: [{ id: credentialId, type: 'public-key', transports: ['internal'] }],
    userVerification: 'required',
    timeout: 300000,
  };
  gateway.answer(() => ({ ok: true, data: { ...challenge, passkeyOptions } }));
  const withOptions = await gateway.app.inject(login());
  t.same(withOptions.json().data, { ...challenge, passkeyOptions });
  gateway.answer(() => ({ ok: true, data: challenge }));
  const without = await gateway.app.inject(login());
  t.same(without.json().data, challenge, 'none when the user has no passkey for this client');
});

t.test('POST /v1/user/otp with a passkey', async (t) => {
  const body = { sessionId: 's1', username: 'ada@example.com', challengeType: 'PASSKEY', passkeyResponse: assertion };
  const verify = (payload: object = body) => request('POST', '/v1/user/otp', gateway.clientToken(), payload);

  t.test('PASSKEY takes an assertion and no code; the codes take no assertion', async (t) => {
    await assertSchemaRefusal(t, gateway, verify({ ...body, passkeyResponse: undefined, code: '4821' }));
    await assertSchemaRefusal(t, gateway, verify({ ...body, code: '4821' }));
    await assertSchemaRefusal(t, gateway, verify({ ...body, challengeType: 'SMS_OTP' }));
    const { response } = assertion;
    await assertSchemaRefusal(t, gateway, verify({ ...body, passkeyResponse: { ...assertion, response: {} } }));
    const longSignature = { ...response, signature: 'A'.repeat(513) };
    await assertSchemaRefusal(
      t,
      gateway,
      verify({ ...body, passkeyResponse: { ...assertion, response: longSignature } }),
    );
  });

  t.test('sends VerifyOtp with the assertion as it came, no code sealed, and answers tokens', async (t) => {
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
    const answer = await gateway.app.inject(verify());
    t.equal(answer.statusCode, 200);
    t.match(answer.json().data, { userId: 'u1', accessToken: String, refreshToken: String });
    const command = lastCommand(gateway);
    t.match(command, {
      type: 'VerifyOtp',
      payload: { sessionId: 's1', challengeType: 'PASSKEY', passkeyResponse: assertion },
    });
    const sealed = command?.type === 'VerifyOtp' ? command.payload.sealedSecrets : '';
    t.same(gateway.unseal(sealed), {}, 'no code');
  });

  t.test('a failed assertion is a wrong code; a reset or phone-number session refuses it', async (t) => {
    await assertRefusalsMapped(t, gateway, verify(), [
      'OTP_INVALID',
      'OTP_ATTEMPTS_EXHAUSTED',
      'CHALLENGE_TYPE_MISMATCH',
      'ACCOUNT_LOCKED',
    ]);
  });
});

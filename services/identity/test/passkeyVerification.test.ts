/**
 * Passkeys through WebAuthn's real checks: a software authenticator registers a
 * credential and answers login challenges; identity's verification
 * (@simplewebauthn/server) and the user decider take what it produces. Every
 * refusal a user could meet is played: another origin or relying party, no user
 * verification, a challenge of another login or an expired one, a tampered
 * signature, a replayed assertion, a cloned authenticator's counter.
 */
import { randomBytes } from 'node:crypto';
import t from 'tap';
import type { IdentityEvent } from '@tessera/contracts';
import { SoftwareAuthenticator } from '@tessera/testing';
import {
  passkeyLoginChallenge,
  passkeyLoginOptions,
  passkeyRegistrationChallenge,
  passkeyRegistrationOptions,
  registrationChallengeCheck,
  verifyPasskeyAssertion,
  verifyPasskeyRegistration,
  type RelyingParty,
} from '../src/application/passkeyVerification.ts';
import type { PasskeyAssertion } from '../src/domain/passkeysState.ts';
import { decideUser } from '../src/domain/userDecider.ts';
import { evolveUser, initialUserState, type UserState } from '../src/domain/userState.ts';
import {
  clientId,
  loginLock,
  otpIssued,
  registered,
  secondsAfter,
  sessionStarted,
  userId,
  verifyCommand,
} from './mothers.ts';

const hashingKey = randomBytes(32);
const rp: RelyingParty = { id: 'bank.example', name: 'Bank', origins: ['https://app.bank.example'] };
const origin = 'https://app.bank.example';
const familyId = 'family-1';
const issuedAt = Math.floor(Date.parse(secondsAfter(5)) / 1000);

const stateOf = (events: IdentityEvent[]) => events.reduce(evolveUser, initialUserState());
const loggedIn = () => stateOf([registered(), sessionStarted(familyId, 'refresh-1')]);

/** Creation options for this user's login, and the check the registration answer must pass a minute later. */
async function creation(userIdFor = userId, familyFor = familyId, at = issuedAt) {
  const challenge = passkeyRegistrationChallenge(hashingKey, userIdFor, familyFor, at);
  const options = await passkeyRegistrationOptions(rp, { userId, userName: 'ada' }, challenge, []);
  return { options, check: registrationChallengeCheck(hashingKey, userId, familyId, issuedAt + 60) };
}

/** A passkey registered on the user's stream by the authenticator, through the decider. */
async function withPasskey(authenticator: SoftwareAuthenticator): Promise<UserState> {
  const { options, check } = await creation();
  const credential = await verifyPasskeyRegistration(rp, authenticator.register(options), check);
  if (!credential) throw new Error('the registration did not verify');
  const command = {
    type: 'RegisterPasskey' as const,
    verified: true,
    credential,
    proof: { kind: 'PASSWORD' as const, passwordMatches: true, loginLock },
    familyId,
    clientId,
    now: secondsAfter(5),
  };
  const decision = decideUser(command, loggedIn());
  return decision.events.reduce(evolveUser, stateOf([registered(), sessionStarted(familyId, 'refresh-1')]));
}

/** A login challenge opened on the state, its request options, and what answering it with an assertion decides. */
async function login(state: UserState, sessionId: string) {
  const challenged = evolveUser(state, otpIssued(sessionId));
  const challenge = passkeyLoginChallenge(hashingKey, sessionId);
  const options = await passkeyLoginOptions(rp, challenged.passkeys, challenge);
  const answer = async (response: Parameters<typeof verifyPasskeyAssertion>[2]) => {
    const passkey = await verifyPasskeyAssertion(rp, challenged.passkeys, response, challenge);
    const command = {
      ...verifyCommand(sessionId, ''),
      challengeType: 'PASSKEY' as const,
      ...(passkey ? { passkey } : {}),
    };
    return { passkey, decision: decideUser(command, challenged), state: challenged };
  };
  return { options, answer };
}

t.test('registering a passkey', async (t) => {
  t.test('the options ask for user verification and name the relying party', async (t) => {
    const { options } = await creation();
    t.equal(options.rp.id, 'bank.example');
    t.equal(options.authenticatorSelection?.userVerification, 'required');
    t.equal(options.attestation, 'none');
  });
  t.test("the authenticator's answer gives the public key, counter and transports the stream keeps", async (t) => {
    const authenticator = new SoftwareAuthenticator({ origin });
    const state = await withPasskey(authenticator);
    t.equal(state.passkeys.length, 1);
    t.equal(state.passkeys[0]?.credentialId, authenticator.credentials[0]?.id);
    t.equal(state.passkeys[0]?.counter, 0);
    t.same(state.passkeys[0]?.transports, ['internal']);
  });
  t.test('is refused for another origin, relying party, without user verification', async (t) => {
    for (const [why, options] of [
      ['a phishing origin', { origin: 'https://bank-example.phish' }],
      ['another relying party', { origin, rpId: 'other.example' }],
      ['no user verification', { origin, userVerified: false }],
    ] as const) {
      const { options: creationOptions, check } = await creation();
      const response = new SoftwareAuthenticator(options).register(creationOptions);
      t.equal(await verifyPasskeyRegistration(rp, response, check), undefined, why);
    }
  });
  t.test("is refused for another user's or login's challenge, and for an expired one", async (t) => {
    const authenticator = new SoftwareAuthenticator({ origin });
    for (const [why, made] of [
      ["another user's", await creation('user-2')],
      ["another login's", await creation(userId, 'family-2')],
      ['an expired', await creation(userId, familyId, issuedAt - 301 + 60)],
    ] as const) {
      const response = authenticator.register(made.options);
      t.equal(await verifyPasskeyRegistration(rp, response, made.check), undefined, `${why} challenge`);
    }
  });
});

t.test('logging in with a passkey', async (t) => {
  t.test('a verified assertion starts the session and records the counter', async (t) => {
    const authenticator = new SoftwareAuthenticator({ origin });
    const { options, answer } = await login(await withPasskey(authenticator), 's1');
    t.same(
      options.allowCredentials?.map((allowed) => allowed.id),
      [authenticator.credentials[0]?.id],
    );
    const { passkey, decision } = await answer(authenticator.authenticate(options));
    t.same(passkey, { credentialId: authenticator.credentials[0]?.id, verified: true, counter: 1 } as PasskeyAssertion);
    t.equal(decision.rejection, undefined, 'is accepted');
    t.same(
      decision.events.map((event) => event.type),
      ['OtpVerified', 'PasskeyUsed', 'SessionStarted'],
    );
  });
  t.test('each refusal is a wrong code: counted on the challenge and towards the lock', async (t) => {
    const authenticator = new SoftwareAuthenticator({ origin });
    const state = await withPasskey(authenticator);
    const key = authenticator.credentials[0];
    const cases: [string, (options: { challenge: string; rpId?: string }) => unknown][] = [
      ['another origin', (options) => withCredential({ origin: 'https://phish.example' }).authenticate(options)],
      ['no user verification', (options) => withCredential({ origin, userVerified: false }).authenticate(options)],
      ['another relying party', (options) => withCredential({ origin, rpId: 'other.example' }).authenticate(options)],
      [
        "another login's challenge",
        (options) => authenticator.authenticate({ ...options, challenge: passkeyLoginChallenge(hashingKey, 's9') }),
      ],
      ['a tampered signature', (options) => tampered(authenticator.authenticate(options))],
    ];
    function withCredential(options: ConstructorParameters<typeof SoftwareAuthenticator>[0]) {
      const other = new SoftwareAuthenticator(options);
      if (key) other.credentials.push({ ...key });
      return other;
    }
    for (const [why, respond] of cases) {
      const { options, answer } = await login(state, 's1');
      const { decision } = await answer(respond(options) as Parameters<typeof verifyPasskeyAssertion>[2]);
      t.equal(decision.rejection?.error, 'OTP_INVALID', why);
      t.same(
        decision.events.map((event) => event.type),
        ['OtpVerificationFailed'],
        `${why} is counted`,
      );
    }
  });
  t.test('an assertion replayed on a later login is refused', async (t) => {
    const authenticator = new SoftwareAuthenticator({ origin });
    const state = await withPasskey(authenticator);
    const first = await login(state, 's1');
    const response = authenticator.authenticate(first.options);
    const used = await first.answer(response);
    const after = used.decision.events.reduce(evolveUser, used.state);
    const { decision } = await (await login(after, 's2')).answer(response);
    t.equal(decision.rejection?.error, 'OTP_INVALID');
  });
  t.test("a cloned authenticator's counter that does not grow is refused", async (t) => {
    const authenticator = new SoftwareAuthenticator({ origin });
    const first = await login(await withPasskey(authenticator), 's1');
    const used = await first.answer(authenticator.authenticate(first.options));
    const after = used.decision.events.reduce(evolveUser, used.state);
    const second = await login(after, 's2');
    const clone = await second.answer(authenticator.authenticate(second.options, { counter: 1 }));
    t.equal(clone.passkey?.verified, true, 'the signature itself is good');
    t.equal(clone.decision.rejection?.error, 'OTP_INVALID', 'the counter refuses it');
    const genuine = await second.answer(authenticator.authenticate(second.options));
    t.equal(genuine.decision.rejection, undefined, 'the genuine authenticator, counting on, is accepted');
  });
});

/** The same assertion with one bit of its signature flipped. */
function tampered<R extends { response: { signature: string } }>(response: R): R {
  const signature = Buffer.from(response.response.signature, 'base64url');
  signature[signature.length - 1] = (signature.at(-1) ?? 0) ^ 1;
  return { ...response, response: { ...response.response, signature: signature.toString('base64url') } };
}

/** POST /v1/user/sign-up over a fake identity: validation, tokens, the RegisterUser command, identity's refusals. */
import t from 'tap';
import type { IdentityCommand } from '@tessera/contracts';
import { gatewayWithFakeIdentity } from '../fakeIdentityGateway.ts';
import {
  assertClientTokenRequired,
  assertRefusalsMapped,
  assertSchemaRefusal,
  bearer,
  lastCommand,
  type Request,
} from './routeChecks.ts';

const gateway = await gatewayWithFakeIdentity();
t.teardown(() => gateway.close());

const body = {
  phoneNumber: '+330612345678',
  email: 'Ada@Example.com',
  password: 'correct horse battery',
  locale: 'en',
};
const signUp = (payload: object = body, token = gateway.clientToken()): Request => ({
  method: 'POST',
  url: '/v1/user/sign-up',
  headers: { ...bearer(token), 'x-correlation-id': 'sign-up-0001' },
  payload,
});
const registered = (command: IdentityCommand) => ({
  ok: true as const,
  data: {
    userId: 'u1',
    accountId: 'a1',
    email: 'ada@example.com',
    phoneNumber: command.type === 'RegisterUser' ? command.payload.phoneNumber : '',
    roles: ['USER'],
  },
});

t.test('a body that breaks the schema is refused before identity, with the field’s own code', async (t) => {
  const { email: _email, ...withoutEmail } = body;
  await assertSchemaRefusal(t, gateway, signUp(withoutEmail));
  await assertSchemaRefusal(t, gateway, signUp({ ...body, admin: true }));
  await assertSchemaRefusal(t, gateway, signUp({ ...body, email: 'not-an-email' }), 'INVALID_EMAIL');
  await assertSchemaRefusal(t, gateway, signUp({ ...body, phoneNumber: '+33123456789' }), 'INVALID_PHONE_NUMBER');
  await assertSchemaRefusal(t, gateway, signUp({ ...body, password: 'short' }), 'PASSWORD_POLICY');
  await assertSchemaRefusal(
    t,
    gateway,
    { ...signUp(), payload: '{"email":', headers: { ...signUp().headers, 'content-type': 'application/json' } },
    'MALFORMED_BODY',
  );
});

t.test('a client token with users:write is required', async (t) => {
  await assertClientTokenRequired(t, gateway, signUp(), 'users:write');
});

t.test(
  'a valid sign-up sends RegisterUser with the normalised phone and the password sealed, and answers the new user',
  async (t) => {
    gateway.answer(registered);
    const answer = await gateway.app.inject(signUp());
    t.equal(answer.statusCode, 200);
    t.equal(answer.headers['cache-control'], 'no-store', 'never cached');
    t.same(answer.json(), {
      success: true,
      data: {
        userId: 'u1',
        email: 'ada@example.com',
        phoneNumber: '+33612345678',
        roles: ['USER'],
        accounts: [{ accountId: 'a1', kind: 'MAIN', status: 'PENDING_KYC' }],
        userAccountStatus: 'PENDING_KYC',
        phoneVerified: false,
      },
      errorCode: 0,
      errorMessage: '',
    });
    const command = lastCommand(gateway);
    t.match(command, {
      type: 'RegisterUser',
      metadata: { correlationId: 'sign-up-0001', clientId: 'acme' },
      payload: {
        email: 'Ada@Example.com',
        phoneNumber: '+33612345678',
        roles: [],
        locale: 'en',
        sealedSecrets: String,
      },
    });
    const sealed = command?.type === 'RegisterUser' ? command.payload.sealedSecrets : '';
    t.notOk(sealed.includes('correct horse'), 'no password in clear');
    t.same(gateway.unseal(sealed), { password: 'correct horse battery' }, 'the password, for identity alone');
  },
);

t.test('roles asked for are handed to identity, which decides', async (t) => {
  gateway.answer(registered);
  await gateway.app.inject(signUp({ ...body, roles: ['USER', 'ADMIN'] }));
  t.match(lastCommand(gateway), { type: 'RegisterUser', payload: { roles: ['USER', 'ADMIN'] } });
});

t.test('identity’s refusals are answered with their catalogued status and envelope', async (t) => {
  await assertRefusalsMapped(t, gateway, signUp(), [
    'REGISTRATION_CONFLICT',
    'ROLE_NOT_ALLOWED',
    'PASSWORD_BREACHED',
    'DEPENDENCY_UNAVAILABLE',
  ]);
});

/** What an account manager does to the client's own users, over a fake identity and read models. */
import t from 'tap';
import { gatewayWithFakeIdentity } from '../fakeIdentityGateway.ts';
import {
  assertClientTokenRequired,
  assertError,
  assertRefusalsMapped,
  assertSchemaRefusal,
  bearer,
  lastCommand,
  type Request,
} from './routeChecks.ts';
import { aUser, twoClientsUsers } from './viewMothers.ts';

const gateway = await gatewayWithFakeIdentity();
t.teardown(() => gateway.close());
await twoClientsUsers(gateway);
const headers = () => ({ ...bearer(gateway.clientToken('accounts:manage')), 'x-correlation-id': 'admin-call-01' });

t.test('POST /v1/admin/accounts/:accountId/activate', async (t) => {
  const note = 'Identity checked by video call.';
  const activate = (accountId = 'a1', payload: object = { note }): Request => ({
    method: 'POST',
    url: `/v1/admin/accounts/${accountId}/activate`,
    headers: headers(),
    payload,
  });

  t.test('a request that breaks the schema is refused before identity', async (t) => {
    await assertSchemaRefusal(t, gateway, activate('a1', {}));
    await assertSchemaRefusal(t, gateway, activate('a1', { note: '' }));
    await assertSchemaRefusal(t, gateway, activate('a1', { note: 'n'.repeat(501) }));
    await assertSchemaRefusal(t, gateway, activate('not%20an%20id'));
  });

  t.test('a client token with accounts:manage is required', async (t) => {
    await assertClientTokenRequired(t, gateway, activate(), 'accounts:manage');
  });

  t.test('another client’s account, or one the read model does not hold, reads as absent', async (t) => {
    const before = gateway.sent.length;
    for (const accountId of ['a2', 'nothing']) {
      const request = activate(accountId);
      assertError(t, gateway, request, await gateway.app.inject(request), 'ACCOUNT_NOT_FOUND', accountId);
    }
    t.equal(gateway.sent.length, before, 'identity is not asked');
  });

  t.test('sends ActivateAccount with the account’s user and the note, and answers the account', async (t) => {
    gateway.answer(() => ({ ok: true, data: { userId: 'u1', accountId: 'a1', status: 'ACTIVE' } }));
    const answer = await gateway.app.inject(activate());
    t.equal(answer.statusCode, 200);
    t.match(answer.json().data, { accountId: 'a1', userId: 'u1', kind: 'MAIN', status: 'ACTIVE' });
    t.same(lastCommand(gateway), {
      type: 'ActivateAccount',
      metadata: { correlationId: 'admin-call-01', clientId: 'acme' },
      payload: { userId: 'u1', accountId: 'a1', note },
    });
  });

  t.test('identity’s refusals are answered with their catalogued status and envelope', async (t) => {
    await assertRefusalsMapped(t, gateway, activate(), ['ACCOUNT_NOT_FOUND', 'DEPENDENCY_UNAVAILABLE']);
  });
});

t.test('POST /v1/admin/users/:userId/erase-personal-data', async (t) => {
  const erase = (userId = 'u1', extra: Record<string, string> = {}): Request => ({
    method: 'POST',
    url: `/v1/admin/users/${userId}/erase-personal-data`,
    headers: { ...headers(), ...extra },
  });

  t.test('a request that breaks the schema is refused before identity', async (t) => {
    await assertSchemaRefusal(t, gateway, erase('not%20an%20id'));
    await assertSchemaRefusal(t, gateway, erase('u1', { 'idempotency-key': 'not a key' }));
  });

  t.test('a client token with accounts:manage is required', async (t) => {
    await assertClientTokenRequired(t, gateway, erase(), 'accounts:manage');
  });

  t.test('another client’s user, or one the read model does not hold, reads as absent', async (t) => {
    const before = gateway.sent.length;
    for (const userId of ['u2', 'nobody']) {
      const request = erase(userId);
      assertError(t, gateway, request, await gateway.app.inject(request), 'USER_NOT_FOUND', userId);
    }
    t.equal(gateway.sent.length, before, 'identity is not asked');
  });

  t.test('sends ErasePersonalData for the user, and answers when it was erased', async (t) => {
    gateway.answer(() => ({ ok: true, data: { userId: 'u1', erasedAt: '2026-01-04T00:00:00.000Z' } }));
    const answer = await gateway.app.inject(erase());
    t.equal(answer.statusCode, 200);
    t.equal(answer.headers['cache-control'], 'no-store');
    t.same(answer.json().data, { userId: 'u1', erasedAt: '2026-01-04T00:00:00.000Z', personalDataErased: true });
    t.same(lastCommand(gateway), {
      type: 'ErasePersonalData',
      metadata: { correlationId: 'admin-call-01', clientId: 'acme' },
      payload: { userId: 'u1' },
    });
  });

  t.test('a user already erased is erased again: the answer is the same', async (t) => {
    await gateway.views.users.upsert('u4', aUser({ userId: 'u4', email: '', phoneNumber: '', erased: true }), 9);
    gateway.answer(() => ({ ok: true, data: { userId: 'u4', erasedAt: '2026-01-04T00:00:00.000Z' } }));
    const answer = await gateway.app.inject(erase('u4'));
    t.equal(answer.statusCode, 200);
    t.match(lastCommand(gateway), { type: 'ErasePersonalData', payload: { userId: 'u4' } });
  });

  t.test('identity’s refusals are answered with their catalogued status and envelope', async (t) => {
    await assertRefusalsMapped(t, gateway, erase(), ['USER_NOT_FOUND', 'DEPENDENCY_UNAVAILABLE']);
  });
});

/** The signed-in user's own sessions over a fake identity: listing them, ending one, ending all the others. */
import t from 'tap';
import type { SessionView } from '@tessera/read-models/views';
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

const inAYear = new Date(Date.now() + 365 * 24 * 3600 * 1000).toISOString();
const live = (familyId: string, userId: string, createdAt: string, extra: Partial<SessionView> = {}): SessionView => ({
  familyId,
  userId,
  revoked: false,
  clientId: 'acme',
  createdAt,
  lastUsedAt: createdAt,
  expiresAt: inAYear,
  ...extra,
});

let position = 1;
async function given(...sessions: SessionView[]) {
  for (const session of sessions) await gateway.views.sessions.upsert(session.familyId, session, (position += 1));
}

await given(
  live('f1', 'u1', '2026-01-02T10:00:00.000Z', {
    device: { id: 'install-1', name: "Ada's iPhone", platform: 'IOS' },
    lastUsedAt: '2026-01-03T08:00:00.000Z',
  }),
  live('f2', 'u1', '2026-01-01T09:00:00.000Z', { device: { name: 'Office PC', platform: 'WEB' } }),
  live('f3', 'u1', '2026-01-01T08:00:00.000Z'),
  { familyId: 'f4', userId: 'u1', revoked: true, revokedReason: 'LOGOUT' },
  live('f5', 'u1', '2025-01-01T08:00:00.000Z', { expiresAt: '2025-01-31T08:00:00.000Z' }),
  live('g1', 'u2', '2026-01-01T07:00:00.000Z'),
);

const headers = (token = gateway.userToken()) => ({ ...bearer(token), 'x-correlation-id': 'sessions-0001' });

t.test('GET /v1/user/sessions', async (t) => {
  const list = (token?: string): Request => ({ method: 'GET', url: '/v1/user/sessions', headers: headers(token) });

  t.test('a user token of a live login is required', async (t) => {
    await assertUserTokenRequired(t, gateway, list());
  });

  t.test("lists the user's live sessions, oldest first, marking the caller's, without asking identity", async (t) => {
    const before = gateway.sent.length;
    const answer = await gateway.app.inject(list());
    t.equal(answer.statusCode, 200);
    t.equal(answer.headers['cache-control'], 'no-store');
    t.same(answer.json().data, {
      sessions: [
        {
          sessionId: 'f3',
          clientId: 'acme',
          createdAt: '2026-01-01T08:00:00.000Z',
          lastUsedAt: '2026-01-01T08:00:00.000Z',
          current: false,
        },
        {
          sessionId: 'f2',
          clientId: 'acme',
          device: { name: 'Office PC', platform: 'WEB' },
          createdAt: '2026-01-01T09:00:00.000Z',
          lastUsedAt: '2026-01-01T09:00:00.000Z',
          current: false,
        },
        {
          sessionId: 'f1',
          clientId: 'acme',
          device: { id: 'install-1', name: "Ada's iPhone", platform: 'IOS' },
          createdAt: '2026-01-02T10:00:00.000Z',
          lastUsedAt: '2026-01-03T08:00:00.000Z',
          current: true,
        },
      ],
    });
    t.equal(gateway.sent.length, before, 'identity is not asked');
  });

  t.test("another user's token sees only that user's sessions", async (t) => {
    const answer = await gateway.app.inject(list(gateway.userToken({ sub: 'u2', fam: 'g1' })));
    t.same(
      answer.json().data.sessions.map((session: { sessionId: string }) => session.sessionId),
      ['g1'],
    );
  });
});

t.test('DELETE /v1/user/sessions/{sessionId}', async (t) => {
  const revoke = (sessionId: string, token?: string): Request => ({
    method: 'DELETE',
    url: `/v1/user/sessions/${sessionId}`,
    headers: headers(token),
  });

  t.test('a session id that breaks the schema is refused before identity', async (t) => {
    await assertSchemaRefusal(t, gateway, revoke('not%20an%20id'));
    await assertSchemaRefusal(
      t,
      gateway,
      { ...revoke('f2'), headers: { ...headers(), 'content-type': 'application/json' }, payload: '{"all":' },
      'MALFORMED_BODY',
    );
  });

  t.test('a user token of a live login is required', async (t) => {
    await assertUserTokenRequired(t, gateway, revoke('f2'));
  });

  t.test('a session id over 100 characters is a 414', async (t) => {
    const request = revoke('f'.repeat(101));
    assertError(t, gateway, request, await gateway.app.inject(request), 'URI_TOO_LONG');
  });

  t.test('sends RevokeSession for the token’s user and answers the session ended', async (t) => {
    gateway.answer(() => ({ ok: true, data: { revokedSessionIds: ['f2'] } }));
    const answer = await gateway.app.inject(revoke('f2'));
    t.equal(answer.statusCode, 200);
    t.same(answer.json(), { success: true, data: { revokedSessionIds: ['f2'] }, errorCode: 0, errorMessage: '' });
    t.same(lastCommand(gateway), {
      type: 'RevokeSession',
      metadata: { correlationId: 'sessions-0001', clientId: 'acme' },
      payload: { userId: 'u1', familyId: 'f2' },
    });
  });

  t.test('a session that is not the user’s live one is not found', async (t) => {
    const request = revoke('g1');
    gateway.answer(() => ({ ok: false, error: 'SESSION_NOT_FOUND' }));
    assertError(t, gateway, request, await gateway.app.inject(request), 'SESSION_NOT_FOUND');
  });

  t.test('identity’s refusals are answered with their catalogued status and envelope', async (t) => {
    await assertRefusalsMapped(t, gateway, revoke('f2'), ['SESSION_NOT_FOUND', 'DEPENDENCY_UNAVAILABLE']);
  });
});

t.test('POST /v1/user/sessions/revoke-others', async (t) => {
  const revokeOthers = (extra: Record<string, string> = {}): Request => ({
    method: 'POST',
    url: '/v1/user/sessions/revoke-others',
    headers: { ...headers(), ...extra },
  });

  t.test('a request that breaks the schema is refused before identity', async (t) => {
    await assertSchemaRefusal(t, gateway, revokeOthers({ 'idempotency-key': 'not a key' }));
  });

  t.test('a user token of a live login is required', async (t) => {
    await assertUserTokenRequired(t, gateway, revokeOthers());
  });

  t.test('sends RevokeOtherSessions naming the calling login, and answers those ended', async (t) => {
    gateway.answer(() => ({ ok: true, data: { revokedSessionIds: ['f2', 'f3'] } }));
    const answer = await gateway.app.inject(revokeOthers());
    t.equal(answer.statusCode, 200);
    t.same(answer.json().data, { revokedSessionIds: ['f2', 'f3'] });
    t.same(lastCommand(gateway), {
      type: 'RevokeOtherSessions',
      metadata: { correlationId: 'sessions-0001', clientId: 'acme' },
      payload: { userId: 'u1', familyId: 'f1' },
    });
  });

  t.test('identity’s refusals are answered with their catalogued status and envelope', async (t) => {
    await assertRefusalsMapped(t, gateway, revokeOthers(), ['DEPENDENCY_UNAVAILABLE']);
  });
});

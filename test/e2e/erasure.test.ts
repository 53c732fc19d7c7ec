/**
 * Erasure by crypto-shredding on the embedded default: after an account
 * manager erases a user, the log is whole but that user's email, phone and
 * password hash open nowhere; their sessions end; email and phone are free;
 * other users are untouched.
 */
import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createSqliteEventStore } from '@tessera/event-store';
import { createPersonalDataProtector, createSqliteKeyStore, deriveKeyEncryptionKey } from '@tessera/personal-data';
import { loadKeyring } from '@tessera/runtime';
import { clientToken, signUpAndLogIn } from '../support/flows.ts';
import { newUser, startTestServer } from '../support/testServer.ts';

const bytesOf = (dir: string, name: (file: string) => boolean) =>
  Buffer.concat(
    readdirSync(dir)
      .filter(name)
      .map((file) => readFileSync(path.join(dir, file))),
  );

t.test('an account manager erases a user: the log stays whole and the user is unreadable everywhere', async (t) => {
  const server = await startTestServer();
  t.teardown(() => server.close());
  const manager = await clientToken(server, 'acme-bank', ['users:write', 'users:read', 'accounts:manage']);
  const user = newUser();
  const other = newUser();
  const session = await signUpAndLogIn(server, user, { token: manager });
  await signUpAndLogIn(server, other, { token: manager });
  const keyStore = createSqliteKeyStore({ path: path.join(server.dataDir, 'personal-data-keys.sqlite') });
  t.teardown(() => keyStore.close());
  const wrappedKey = await keyStore.get(session.userId);
  t.equal(wrappedKey?.status, 'active', 'the user has a key before');

  const events = createSqliteEventStore({ path: path.join(server.dataDir, 'events.sqlite') });
  t.teardown(() => events.close());
  const before = await events.readStream(`user-${session.userId}`);
  t.notOk(
    JSON.stringify(before).includes(user.email) || JSON.stringify(before).includes(user.phoneNumber),
    'even before erasure the log holds no email or phone in clear',
  );

  const erase = () => server.call('POST', `/v1/admin/users/${session.userId}/erase-personal-data`, { token: manager });
  const erased = await erase();
  t.equal(erased.status, 200);
  t.match(erased.body, { success: true, data: { userId: session.userId, personalDataErased: true } });
  const again = await erase();
  t.equal(again.status, 200, 'erasing again is not an error');
  t.equal(again.body.data.erasedAt, erased.body.data.erasedAt, 'and answers the same');

  const after = await events.readStream(`user-${session.userId}`);
  t.same(
    after.slice(0, before.length).map((event) => event.eventId),
    before.map((event) => event.eventId),
    'the log is whole: no event removed or rewritten',
  );
  t.same(
    after.slice(before.length).map((event) => event.type),
    ['SessionsRevoked', 'PersonalDataErased'],
    'the erasure is in the log',
  );
  const protector = createPersonalDataProtector({
    keyStore,
    keyEncryptionKey: deriveKeyEncryptionKey(loadKeyring(path.join(server.dataDir, 'keys.json')).hashingKey),
  });
  const registered = after.find((event) => event.type === 'UserRegistered')!;
  t.match(
    await protector.reveal(registered.type, registered.data),
    { erased: true, data: { email: '', phoneNumber: '', passwordHash: '' } },
    'even with every key of the deployment, the fields do not open',
  );
  t.notOk(
    bytesOf(server.dataDir, (file) => file.startsWith('personal-data-keys')).includes(
      Buffer.from(wrappedKey?.status === 'active' ? wrappedKey.wrappedKey : 'x'),
    ),
    'the key bytes are gone from the key store',
  );
  const views = bytesOf(server.dataDir, (file) => file.startsWith('views.sqlite'));
  t.notOk(
    views.includes(Buffer.from(user.email)) || views.includes(Buffer.from(user.phoneNumber)),
    'the read models hold neither email nor phone any more',
  );
  t.ok(views.includes(Buffer.from(other.email)), 'another user is untouched');

  t.equal(
    (await server.call('GET', '/v1/user/me', { token: session.accessToken })).status,
    401,
    "the erased user's access token is refused at once",
  );
  t.equal(
    (
      await server.call('POST', '/v1/user/refresh', {
        token: manager,
        body: { username: user.email, refreshToken: session.refreshToken },
      })
    ).status,
    401,
    'their refresh token too',
  );
  const login = await server.call('POST', '/v1/user/login', {
    token: manager,
    body: { username: user.email, password: user.password },
  });
  const unknown = await server.call('POST', '/v1/user/login', {
    token: manager,
    body: { username: 'nobody-at-all@example.com', password: user.password },
  });
  t.equal(login.status, 401, 'the erased user cannot log in');
  t.same(login.body, unknown.body, 'and looks like nobody ever signed up');
  t.equal(
    (await server.call('POST', '/v1/user/sign-up', { token: manager, body: user })).status,
    200,
    'the email and phone are free for a new sign-up',
  );
  await signUpAndLogIn(server, other, { token: manager, signUp: false });
});

t.test('erasure needs the account-manager scope and a user of the calling client', async (t) => {
  const server = await startTestServer();
  t.teardown(() => server.close());
  const manager = await clientToken(server, 'acme-bank', ['users:write', 'accounts:manage']);
  const theirs = await signUpAndLogIn(server, newUser());
  const ours = await signUpAndLogIn(server, newUser(), { token: manager });
  const withoutScope = await server.call('POST', `/v1/admin/users/${ours.userId}/erase-personal-data`);
  t.equal(withoutScope.status, 403);
  t.equal(withoutScope.body.errorCode, 2001, 'insufficient scope');
  const notOurs = await server.call('POST', `/v1/admin/users/${theirs.userId}/erase-personal-data`, { token: manager });
  t.equal(notOurs.status, 404, "another client's user reads as absent");
  t.equal(
    (await server.call('POST', '/v1/admin/users/no-such-user/erase-personal-data', { token: manager })).body.errorCode,
    4000,
  );
  t.equal(
    (await server.call('POST', '/v1/admin/users/bad%20id%0D/erase-personal-data', { token: manager })).status,
    400,
    'a malformed id is a validation error',
  );
  t.equal(
    (await server.call('GET', '/v1/user/me', { token: theirs.accessToken })).status,
    200,
    "the other client's user is untouched",
  );
});

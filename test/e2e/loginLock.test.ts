/** Wrong passwords lock login for growing delays (defaults: 5, then 1 minute doubling to an hour), over HTTP. */
import t from 'tap';
import { newUser, startTestServer } from '../support/testServer.ts';

/** Seconds of Retry-After; the lock counts from the failure, so a slow machine may already have used a few. */
const retryAfter = (response: { headers: Headers }) => Number(response.headers.get('retry-after'));

t.test(
  'after five wrong passwords even the right one waits, with Retry-After, and an unknown email is answered the same',
  async (t) => {
    const server = await startTestServer();
    t.teardown(() => server.close());
    const user = newUser();
    await server.call('POST', '/v1/user/sign-up', { body: user });
    const nobody = `nobody.${user.email}`;
    const login = (username: string, password: string) =>
      server.call('POST', '/v1/user/login', { body: { username, password } });

    for (let attempt = 1; attempt <= 5; attempt += 1) {
      const wrong = await login(user.email, 'not the password at all');
      t.equal(wrong.status, 401, `wrong password ${attempt} is refused as usual`);
      t.equal((await login(nobody, 'not the password at all')).status, 401);
    }
    const locked = await login(user.email, user.password);
    t.equal(locked.status, 429, 'the right password is refused during the lock');
    t.ok(retryAfter(locked) > 50 && retryAfter(locked) <= 60, `Retry-After is the minute left (${retryAfter(locked)})`);
    t.same(locked.body, {
      success: false,
      data: null,
      errorCode: 3109,
      errorMessage: 'Too many failed logins for this username; wait before trying again.',
    });
    const unknown = await login(nobody, user.password);
    t.equal(unknown.status, locked.status, 'an unknown email locks too');
    t.ok(retryAfter(unknown) > 50 && retryAfter(unknown) <= 60, 'with the same wait');
    t.same(unknown.body, locked.body, 'same body, word for word');

    server.advanceClock(60);
    t.equal(
      (await login(user.email, 'not the password at all')).status,
      401,
      'after the minute a password is checked again',
    );
    const longer = await login(user.email, user.password);
    t.equal(longer.status, 429, 'that sixth failure locked it again');
    t.ok(retryAfter(longer) > 110 && retryAfter(longer) <= 120, `for twice as long (${retryAfter(longer)})`);

    server.advanceClock(120);
    const right = await login(user.email, user.password);
    t.equal(right.status, 200, 'once the lock is over the right password logs in');
    t.equal((await login(user.email, 'not the password at all')).status, 401);
    t.equal((await login(user.email, user.password)).status, 200, 'and the count started again from zero');
  },
);

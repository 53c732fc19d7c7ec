/**
 * The canary: known passwords, codes, tokens, an email and a phone number go
 * through every flow, then the logs and every file the embedded default
 * writes are searched for them. None may appear in clear, except email and
 * phone in the read model that must show them; phones in logs are masked.
 * (The same search over Kafka topics and MongoDB runs in the distributed test.)
 */
import t from 'tap';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { maskPhoneNumber } from '@tessera/contracts';
import { signUpAndLogIn } from '../support/flows.ts';
import { startTestServer } from '../support/testServer.ts';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

t.test('no password, code, token, email or phone is left in clear in logs or files', async (t) => {
  // Eight-digit codes: a four-digit code would turn up by chance in any file of numbers.
  const server = await startTestServer({ OTP_LENGTH: '8', OTP_RESEND_COOLDOWN_SECONDS: '0' });
  t.teardown(() => server.close());
  const user = {
    email: 'canary.7f3c1d@example.com',
    phoneNumber: '+33698765431',
    password: 'canary passphrase Qz7!xv',
  };
  const newPassword = 'second canary passphrase Lm4?wr';
  const secrets: Record<string, string> = { password: user.password, newPassword };

  const first = await signUpAndLogIn(server, user);
  Object.assign(secrets, { code1: first.code, access1: first.accessToken, refresh1: first.refreshToken });
  t.equal(
    (await server.call('POST', '/v1/user/login', { body: { username: user.email, password: 'wrong canary password' } }))
      .status,
    401,
  );
  const refreshed = await server.call('POST', '/v1/user/refresh', {
    body: { username: user.email, refreshToken: first.refreshToken },
  });
  Object.assign(secrets, { access2: refreshed.body.data.accessToken, refresh2: refreshed.body.data.refreshToken });
  const login = await server.call('POST', '/v1/user/login', {
    body: { username: user.email, password: user.password },
  });
  const sent = server.countSentTo(user.phoneNumber);
  await server.nextCode(user.phoneNumber, sent - 1);
  const resent = await server.call('POST', '/v1/user/otp/resend', {
    body: { sessionId: login.body.data.sessionId, username: user.email },
  });
  t.equal(resent.status, 200);
  secrets.code2 = await server.nextCode(user.phoneNumber, sent);
  t.equal(
    (
      await server.call('POST', '/v1/user/otp', {
        body: {
          sessionId: login.body.data.sessionId,
          username: user.email,
          challengeType: 'SMS_OTP',
          code: '00000000',
        },
      })
    ).status,
    401,
  );

  const beforeReset = server.countSentTo(user.phoneNumber);
  const reset = await server.call('GET', `/v1/user/forget-password?email=${encodeURIComponent(user.email)}`);
  secrets.code3 = await server.nextCode(user.phoneNumber, beforeReset);
  await server.call('PUT', '/v1/user/change-password', {
    body: {
      sessionId: reset.body.data.sessionId,
      username: user.email,
      challengeType: 'SMS_OTP',
      password: newPassword,
      passwordConfirm: newPassword,
    },
  });
  t.equal(
    (
      await server.call('POST', '/v1/user/otp', {
        body: {
          sessionId: reset.body.data.sessionId,
          username: user.email,
          challengeType: 'SMS_OTP',
          code: secrets.code3,
        },
      })
    ).status,
    200,
  );
  const last = await signUpAndLogIn(server, { ...user, password: newPassword }, { signUp: false });
  Object.assign(secrets, { code4: last.code, access3: last.accessToken, refresh3: last.refreshToken });
  t.equal((await server.call('POST', '/v1/user/logout', { token: last.accessToken })).status, 200);
  await new Promise((resolve) => setTimeout(resolve, 200));

  const personal = { email: user.email, phone: user.phoneNumber, phoneDigits: user.phoneNumber.slice(1) };
  const logs = server.logs.join('');
  for (const [name, value] of Object.entries({ ...secrets, ...personal }))
    t.notOk(logs.includes(value), `the logs do not hold the ${name}`);
  t.ok(logs.includes(maskPhoneNumber(user.phoneNumber)), 'the logs name the phone masked');

  // The dev outbox is the SMS itself, the phone's inbox: it must hold the code and number.
  const files = filesUnder(server.dataDir).filter((file) => path.basename(file) !== 'sms-outbox.jsonl');
  t.ok(
    files.some((file) => path.basename(file) === 'events.sqlite'),
    'the search covers the event store',
  );
  for (const file of files) {
    const bytes = readFileSync(file);
    const name = path.relative(server.dataDir, file);
    for (const [label, value] of Object.entries(secrets))
      t.notOk(bytes.includes(Buffer.from(value)), `${name} does not hold the ${label}`);
    if (!path.basename(file).startsWith('views.sqlite')) {
      for (const [label, value] of Object.entries(personal))
        t.notOk(bytes.includes(Buffer.from(value)), `${name} does not hold the ${label}`);
    }
  }

  // In the read models, only the users view, which /v1/user/me answers from, holds email and phone.
  const views = new Database(path.join(server.dataDir, 'views.sqlite'), { readonly: true });
  t.teardown(() => views.close());
  const tables = (
    views.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>
  ).map((row) => row.name);
  for (const table of tables) {
    const text = JSON.stringify(views.prepare(`SELECT * FROM "${table}"`).all());
    const holds = text.includes(user.email) || text.includes(personal.phoneDigits);
    t.equal(
      holds,
      table === 'view_users',
      `${table} ${table === 'view_users' ? 'holds' : 'does not hold'} the email and phone`,
    );
  }
});

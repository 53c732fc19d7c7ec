/**
 * The embedded default with Plivo switched on (against a local fake Plivo):
 * retries until Plivo accepts, one SMS per code, the code works; delivery
 * reports must carry Plivo's signature.
 */
import t from 'tap';
import { randomUUID } from 'node:crypto';
import { signPlivoRequest } from '@tessera/sms';
import { createFakePlivo, type FakePlivo } from '@tessera/sms/testing';
import { eventually } from '@tessera/testing';
import { newUser, startTestServer, type TestServer } from '../support/testServer.ts';

let plivo: FakePlivo;
let server: TestServer;
t.before(async () => {
  plivo = await createFakePlivo({ authId: 'MAFAKEACCOUNT', authToken: 'fake-plivo-token-0123456789' });
  server = await startTestServer({
    PLIVO_AUTH_ID: plivo.authId,
    PLIVO_AUTH_TOKEN: plivo.authToken,
    PLIVO_SRC: 'TESSERA',
    PLIVO_API_URL: plivo.url,
    SMS_RETRY_BASE_DELAY_MS: '10',
    SMS_RETRY_MAX_DELAY_MS: '50',
    PUBLIC_BASE_URL: 'https://api.example.test',
    // Eight digits, so that finding a code in the logs cannot be a coincidence of timestamps.
    OTP_LENGTH: '8',
  });
});
t.teardown(async () => {
  await server.close();
  await plivo.close();
});

const codeIn = (text: string) => /^(\d+)/.exec(text)?.[1] ?? '';
const receivedFor = (phone: string, count: number) =>
  eventually(
    `${count} SMS at Plivo`,
    () => {
      const mine = plivo.received.filter((message) => message.dst === phone);
      return mine.length >= count ? mine : undefined;
    },
    10_000,
    20,
  );

t.test('Plivo answering 500, 500, then 202: exactly one SMS is accepted, and its code opens the session', async (t) => {
  const user = newUser();
  await server.call('POST', '/v1/user/sign-up', { body: user });
  plivo.respondWith([500, 500, 202]);
  const login = await server.call('POST', '/v1/user/login', {
    body: { username: user.email, password: user.password },
  });
  const [sms] = await receivedFor(user.phoneNumber, 1);
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.equal(plivo.received.filter((message) => message.dst === user.phoneNumber).length, 1, 'one accepted SMS');
  t.equal(sms?.src, 'TESSERA');
  const otp = await server.call('POST', '/v1/user/otp', {
    body: {
      sessionId: login.body.data.sessionId,
      username: user.email,
      challengeType: 'SMS_OTP',
      code: codeIn(sms?.text ?? ''),
    },
  });
  t.equal(otp.status, 200, 'the code from Plivo works');
});

t.test('Plivo refusing the number (400): no retry, the code is not sent', async (t) => {
  const user = newUser();
  await server.call('POST', '/v1/user/sign-up', { body: user });
  const before = plivo.requests.length;
  plivo.respondWith([400]);
  await server.call('POST', '/v1/user/login', { body: { username: user.email, password: user.password } });
  await new Promise((resolve) => setTimeout(resolve, 500));
  t.equal(plivo.requests.length - before, 1, 'one call, no retry');
  t.match(server.logs.join(''), /"reason":"PERMANENT".*dead-lettered/, 'logged as dead-lettered');
});

t.test("a delivery report is accepted only with Plivo's signature", async (t) => {
  const params = {
    MessageUUID: randomUUID(),
    Status: 'delivered',
    ErrorCode: '0',
    To: '+33612345678',
    From: 'TESSERA',
  };
  const post = (headers: Record<string, string>) =>
    server.call('POST', '/v1/webhooks/plivo/status', {
      token: '',
      body: new URLSearchParams(params).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    });
  const unsigned = await post({});
  t.equal(unsigned.status, 403, 'unsigned: refused');
  t.equal(unsigned.body.errorCode, 2003);
  const nonce = '12345678901234567890';
  const forged = signPlivoRequest({
    method: 'POST',
    url: 'https://api.example.test/v1/webhooks/plivo/status',
    params,
    nonce,
    authToken: 'not-the-token',
  });
  t.equal(
    (await post({ 'x-plivo-signature-v3': forged, 'x-plivo-signature-v3-nonce': nonce })).status,
    403,
    'forged: refused',
  );
  const signature = signPlivoRequest({
    method: 'POST',
    url: 'https://api.example.test/v1/webhooks/plivo/status',
    params,
    nonce,
    authToken: plivo.authToken,
  });
  const tampered = await server.call('POST', '/v1/webhooks/plivo/status', {
    token: '',
    body: new URLSearchParams({ ...params, Status: 'failed' }).toString(),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-plivo-signature-v3': signature,
      'x-plivo-signature-v3-nonce': nonce,
    },
  });
  t.equal(tampered.status, 403, 'a signed report with a changed status: refused');
  const genuine = await post({ 'x-plivo-signature-v3': signature, 'x-plivo-signature-v3-nonce': nonce });
  t.equal(genuine.status, 200, 'signed by Plivo: accepted');
});

t.test('the delivery report of a sent code is recorded against its dispatch', async (t) => {
  const user = newUser();
  await server.call('POST', '/v1/user/sign-up', { body: user });
  await server.call('POST', '/v1/user/login', { body: { username: user.email, password: user.password } });
  const uuid = (await receivedFor(user.phoneNumber, 1)).at(-1)?.message_uuid;
  t.ok(uuid, 'Plivo gave the message an id');
  const params = { MessageUUID: uuid ?? '', Status: 'delivered', ErrorCode: '0' };
  const nonce = '98765432109876543210';
  const signature = signPlivoRequest({
    method: 'POST',
    url: 'https://api.example.test/v1/webhooks/plivo/status',
    params,
    nonce,
    authToken: plivo.authToken,
  });
  const response = await server.call('POST', '/v1/webhooks/plivo/status', {
    token: '',
    body: new URLSearchParams(params).toString(),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-plivo-signature-v3': signature,
      'x-plivo-signature-v3-nonce': nonce,
    },
  });
  t.equal(response.status, 200);
  await eventually('the report recorded', () => server.logs.join('').includes('delivery report recorded'), 5000, 20);
  t.match(server.logs.join(''), /"status":"delivered".*delivery report recorded/);
});

t.test('no log line holds a code or a full phone number', async (t) => {
  const logs = server.logs.join('');
  for (const message of plivo.received) {
    t.notOk(logs.includes(codeIn(message.text)), 'no code');
    t.notOk(logs.includes(message.dst), 'no full phone number');
  }
});

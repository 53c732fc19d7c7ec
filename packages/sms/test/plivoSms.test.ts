import t from 'tap';
import type { Test } from 'tap';
import { inspect } from 'node:util';
import { smsSenderContract } from '../src/contract/index.ts';
import { createPlivoSms, plivoApiUrl, withRetries } from '../src/index.ts';
import type { PlivoSmsOptions } from '../src/index.ts';
import { createFakePlivo } from '../src/testing/index.ts';
import type { FakePlivo } from '../src/testing/index.ts';
import { failureOf } from './support/failureOf.ts';

const message = { to: '+33612345678', text: '482913 is your Tessera code.', reference: 'otp-1' };

async function startFake(t: Test): Promise<FakePlivo> {
  const fake = await createFakePlivo();
  t.teardown(() => fake.close());
  return fake;
}

function plivoFor(fake: FakePlivo, options: Partial<PlivoSmsOptions> = {}) {
  return createPlivoSms({
    authId: fake.authId,
    authToken: fake.authToken,
    source: { src: '+15550001111' },
    apiUrl: fake.url,
    timeoutMs: 2000,
    ...options,
  });
}

t.test('the Plivo adapter passes the SMS sender contract', async (t) => {
  const fake = await startFake(t);
  await smsSenderContract(t, {
    name: 'plivo (fake server)',
    create: async () => plivoFor(fake),
    delivered: async () => fake.received.map(({ dst, text }) => ({ to: dst, text })),
  });
});

t.test(
  'Plivo gets our sender number, the text and where to report delivery, and its message id comes back',
  async (t) => {
    const fake = await startFake(t);
    const sms = plivoFor(fake, {
      statusCallbackUrl: 'https://tessera.example/sms/plivo/status',
      apiUrl: `${fake.url}/`,
    });
    const receipt = await sms.send(message);
    t.match(fake.received, [
      {
        src: '+15550001111',
        dst: message.to,
        text: message.text,
        url: 'https://tessera.example/sms/plivo/status',
        method: 'POST',
      },
    ]);
    t.equal(receipt.providerMessageId, fake.received[0]?.message_uuid);
    t.equal(sms.findByReference, undefined, 'Plivo cannot be searched by our reference');
  },
);

t.test('with a Powerpack, Plivo picks the sender number', async (t) => {
  const fake = await startFake(t);
  await plivoFor(fake, { source: { powerpackUuid: 'pp-1234' } }).send(message);
  t.equal(fake.received[0]?.powerpack_uuid, 'pp-1234');
  t.equal(fake.received[0]?.src, undefined);
});

t.test('a configuration without exactly one sender source, or without credentials, fails at start-up', async (t) => {
  const base = { authId: 'MA1', authToken: 'token' };
  t.throws(() => createPlivoSms({ ...base, source: {} as { src: string } }));
  t.throws(() => createPlivoSms({ ...base, source: { src: '+1555', powerpackUuid: 'pp' } as { src: string } }));
  t.throws(() => createPlivoSms({ ...base, authToken: '', source: { src: '+1555' } }));
  t.equal(plivoApiUrl('MA1'), 'https://api.plivo.com/v1/Account/MA1');
});

t.test('refused credentials are a permanent failure', async (t) => {
  const fake = await startFake(t);
  const error = await failureOf(plivoFor(fake, { authToken: 'wrong' }).send(message));
  t.match(error, { kind: 'permanent', status: 401, provider: 'plivo' });
});

t.test('every way Plivo can fail is classified', async (t) => {
  const cases: Array<[string, number | { status: number; body: unknown }, object]> = [
    ['400 invalid number', 400, { kind: 'permanent', status: 400 }],
    ['403 geo permissions', 403, { kind: 'permanent', status: 403 }],
    ['422 unprocessable', 422, { kind: 'permanent', status: 422 }],
    ['429 rate limit', 429, { kind: 'retryable', status: 429 }],
    ['500 server error', 500, { kind: 'retryable', status: 500 }],
    [
      '502 from a proxy, in HTML',
      { status: 502, body: '<html>Bad gateway</html>' },
      { kind: 'retryable', status: 502 },
    ],
    ['503 unavailable', 503, { kind: 'retryable', status: 503 }],
    ['504 gateway timeout', 504, { kind: 'retryable', status: 504 }],
  ];
  const fake = await startFake(t);
  for (const [name, response, expected] of cases) {
    fake.respondWith([response]);
    t.match(await failureOf(plivoFor(fake).send(message)), { ...expected, provider: 'plivo' }, name);
  }
  t.equal(fake.received.length, 0);
});

t.test('a refused connection is retryable', async (t) => {
  const fake = await startFake(t);
  await fake.down();
  t.match(await failureOf(plivoFor(fake).send(message)), { kind: 'retryable', code: 'ECONNREFUSED' });
  await fake.up();
  await plivoFor(fake).send(message);
  t.equal(fake.received.length, 1, 'sending works again once Plivo is back');
});

t.test('a Plivo that does not answer in time is a retryable timeout', async (t) => {
  const fake = await startFake(t);
  fake.delayNext(1000);
  const started = Date.now();
  t.match(await failureOf(plivoFor(fake, { timeoutMs: 100 }).send(message)), { kind: 'retryable', code: 'ETIMEDOUT' });
  t.ok(Date.now() - started < 900, 'the timeout, not the server, ended the wait');
});

t.test('after two Plivo errors the third try sends exactly one SMS, with the same text', async (t) => {
  const fake = await startFake(t);
  fake.respondWith([500, 500, 202]);
  const waits: number[] = [];
  const sms = withRetries(plivoFor(fake), { sleep: async (ms) => void waits.push(ms), random: () => 0.5 });
  const receipt = await sms.send(message);
  t.same(
    fake.requests.map(({ status }) => status),
    [500, 500, 202],
  );
  t.same(
    fake.received.map(({ dst, text }) => ({ dst, text })),
    [{ dst: message.to, text: message.text }],
  );
  t.equal(receipt.providerMessageId, fake.received[0]?.message_uuid);
  t.same(waits, [100, 200]);
});

t.test('an invalid number is not retried', async (t) => {
  const fake = await startFake(t);
  fake.respondWith([400, 202]);
  const sms = withRetries(plivoFor(fake), { sleep: async () => {} });
  t.match(await failureOf(sms.send(message)), { kind: 'permanent', status: 400 });
  t.equal(fake.requests.length, 1);
});

t.test('failures never reveal the phone number or the text, even when Plivo echoes them', async (t) => {
  const fake = await startFake(t);
  const echo = { api_id: 'a1', error: `invalid dst ${message.to} for "${message.text}"` };
  const responses = [
    { status: 400, body: echo },
    { status: 500, body: echo },
    { status: 502, body: `<p>${message.to} ${message.text}</p>` },
    429,
  ];
  for (const response of responses) {
    fake.respondWith([response]);
    const error = await failureOf(plivoFor(fake).send(message));
    const shown = [error.message, String(error), inspect(error, { depth: 5 }), JSON.stringify(error)].join('\n');
    t.notOk(/33612345678|482913|Tessera code/.test(shown), `${error.status}: ${error.message}`);
  }
});

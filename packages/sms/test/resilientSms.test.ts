import t from 'tap';
import type { Test } from 'tap';
import { smsSenderContract } from '../src/contract/index.ts';
import { createFailoverSms, createPlivoSms, SmsDeliveryError, withRetries } from '../src/index.ts';
import type { SmsSender } from '../src/index.ts';
import { createFakePlivo } from '../src/testing/index.ts';
import type { FakePlivo } from '../src/testing/index.ts';
import { failureOf } from './support/failureOf.ts';

const message = { to: '+33612345678', text: '482913 is your Tessera code.', reference: 'otp-1' };
const noWait = { sleep: async () => {}, random: () => 0.5 };

/** A sender that fails with these errors, in order, then accepts. */
function flaky(failures: unknown[]): SmsSender & { calls: number } {
  const sender = {
    calls: 0,
    async send() {
      sender.calls++;
      const failure = failures.shift();
      if (failure !== undefined) throw failure;
      return { providerMessageId: `id-${sender.calls}` };
    },
  };
  return sender;
}

const retryable = (status = 503) =>
  new SmsDeliveryError({ kind: 'retryable', provider: 'stub', reason: 'provider error', status });
const permanent = () =>
  new SmsDeliveryError({ kind: 'permanent', provider: 'stub', reason: 'invalid request', status: 400 });

async function fakePlivoSms(t: Test, name: string): Promise<{ fake: FakePlivo; sender: SmsSender; name: string }> {
  const fake = await createFakePlivo({ authId: `MA${name.toUpperCase()}` });
  t.teardown(() => fake.close());
  const plivo = createPlivoSms({
    authId: fake.authId,
    authToken: fake.authToken,
    source: { src: '+15550001111' },
    apiUrl: fake.url,
  });
  return { fake, name, sender: withRetries(plivo, noWait) };
}

t.test('retries wait longer each time, at random below a capped ceiling', async (t) => {
  const waits: number[] = [];
  const retries: number[] = [];
  const sender = flaky([retryable(), retryable(), retryable(), retryable(), retryable()]);
  const sms = withRetries(sender, {
    attempts: 6,
    baseDelayMs: 200,
    maxDelayMs: 1000,
    random: () => 0.999,
    sleep: async (ms) => void waits.push(ms),
    onRetry: ({ attempt }) => void retries.push(attempt),
  });
  t.same(await sms.send(message), { providerMessageId: 'id-6' });
  t.same(waits, [199, 399, 799, 999, 999]);
  t.same(retries, [1, 2, 3, 4, 5]);
});

t.test('a permanent failure is thrown at once, without retrying', async (t) => {
  const sender = flaky([permanent()]);
  t.match(await failureOf(withRetries(sender, noWait).send(message)), { kind: 'permanent', status: 400 });
  t.equal(sender.calls, 1);
});

t.test('once the attempts are spent, the last retryable failure is thrown', async (t) => {
  const sender = flaky([retryable(500), retryable(502), retryable(503), retryable(429), retryable()]);
  t.match(await failureOf(withRetries(sender, noWait).send(message)), { kind: 'retryable', status: 429 });
  t.equal(sender.calls, 4, 'four tries by default');
});

t.test('a failure that is not an SmsDeliveryError is classified before deciding', async (t) => {
  const sender = flaky([
    new Error('connect ECONNREFUSED 127.0.0.1:1'),
    Object.assign(new Error('bad'), { status: 400 }),
  ]);
  t.match(await failureOf(withRetries(sender, noWait).send(message)), {
    name: 'SmsDeliveryError',
    kind: 'permanent',
    status: 400,
  });
  t.equal(sender.calls, 2);
});

t.test('retries keep the look-up by reference, and nonsense settings are refused', async (t) => {
  const lookup = {
    send: flaky([]).send,
    findByReference: async (reference: string) => ({ providerMessageId: `found-${reference}` }),
  };
  t.same(await withRetries(lookup).findByReference?.('r1'), { providerMessageId: 'found-r1' });
  t.equal(withRetries(flaky([])).findByReference, undefined);
  t.throws(() => withRetries(flaky([]), { attempts: 0 }), RangeError);
});

t.test('when the primary stays down past its retries, the secondary sends and the receipt names it', async (t) => {
  const primary = await fakePlivoSms(t, 'primary');
  const secondary = await fakePlivoSms(t, 'secondary');
  primary.fake.respondWith([503, 503, 503, 503]);
  const failovers: Array<{ from: string; to: string; status?: number }> = [];
  const sms = createFailoverSms([primary, secondary], {
    onFailover: ({ from, to, error }) => void failovers.push({ from, to, status: error.status }),
  });
  const receipt = await sms.send(message);
  t.equal(primary.fake.requests.length, 4);
  t.equal(primary.fake.received.length, 0);
  t.same(
    secondary.fake.received.map(({ dst, text }) => ({ dst, text })),
    [{ dst: message.to, text: message.text }],
  );
  t.equal(receipt.providerMessageId, `secondary:${secondary.fake.received[0]?.message_uuid}`);
  t.same(failovers, [{ from: 'primary', to: 'secondary', status: 503 }]);
});

t.test('when the primary refuses connections, the secondary sends', async (t) => {
  const primary = await fakePlivoSms(t, 'primary');
  const secondary = await fakePlivoSms(t, 'secondary');
  await primary.fake.down();
  const receipt = await createFailoverSms([primary, secondary]).send(message);
  t.match(receipt.providerMessageId, /^secondary:/);
  t.equal(secondary.fake.received.length, 1);
});

t.test('an invalid number fails on the primary without trying the secondary', async (t) => {
  const primary = await fakePlivoSms(t, 'primary');
  const secondary = await fakePlivoSms(t, 'secondary');
  primary.fake.respondWith([400]);
  let failedOver = false;
  const sms = createFailoverSms([primary, secondary], { onFailover: () => void (failedOver = true) });
  t.match(await failureOf(sms.send(message)), { kind: 'permanent', status: 400, provider: 'plivo' });
  t.equal(secondary.fake.requests.length, 0);
  t.notOk(failedOver);
});

t.test('when every provider is down, the last failure is thrown as retryable', async (t) => {
  const primary = await fakePlivoSms(t, 'primary');
  const secondary = await fakePlivoSms(t, 'secondary');
  primary.fake.respondWith([500, 500, 500, 500]);
  secondary.fake.respondWith([429, 429, 429, 429]);
  t.match(await failureOf(createFailoverSms([primary, secondary]).send(message)), { kind: 'retryable', status: 429 });
});

t.test('failover looks a message up with every provider that can, and names the one that has it', async (t) => {
  const plain = { name: 'plain', sender: flaky([]) };
  const searchable = {
    name: 'outbox',
    sender: {
      send: flaky([]).send,
      findByReference: async (reference: string) => (reference === 'r1' ? { providerMessageId: 'x1' } : undefined),
    },
  };
  const sms = createFailoverSms([plain, searchable]);
  t.same(await sms.findByReference?.('r1'), { providerMessageId: 'outbox:x1' });
  t.equal(await sms.findByReference?.('r2'), undefined);
  t.equal(createFailoverSms([plain]).findByReference, undefined, 'no look-up when no provider has one');
  t.throws(() => createFailoverSms([]), RangeError);
  t.throws(() => createFailoverSms([plain, plain]), RangeError);
});

t.test('a Plivo failover chain with its primary down passes the SMS sender contract', async (t) => {
  const primary = await fakePlivoSms(t, 'primary');
  const secondary = await fakePlivoSms(t, 'secondary');
  await primary.fake.down();
  await smsSenderContract(t, {
    name: 'plivo failover',
    create: async () => createFailoverSms([primary, secondary]),
    delivered: async () =>
      [...primary.fake.received, ...secondary.fake.received].map(({ dst, text }) => ({ to: dst, text })),
  });
});

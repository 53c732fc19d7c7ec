import t from 'tap';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { smsSenderContract } from '../src/contract/index.ts';
import { createDevOutboxSms, outboxPath } from '../src/index.ts';

t.test('each message becomes one JSON line in the outbox and one readable terminal line', async (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'outbox-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const printed: string[] = [];
  const sms = createDevOutboxSms({ dataDir, print: (line) => printed.push(line) });
  const first = await sms.send({ to: '+33612345678', text: 'Your code is 1234', reference: 'r1' });
  await sms.send({ to: '+33612345679', text: 'Your code is 5678', reference: 'r2' });
  const lines = readFileSync(outboxPath(dataDir), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  t.equal(lines.length, 2);
  t.match(lines[0], { to: '+33612345678', text: 'Your code is 1234', at: String });
  t.ok(first.providerMessageId);
  t.match(printed[1], /\+33612345679.*5678/);
});

t.test('the dev outbox passes the SMS sender contract', async (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'outbox-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  await smsSenderContract(t, {
    name: 'dev outbox',
    create: async () => createDevOutboxSms({ dataDir, print: null }),
    delivered: async () => {
      try {
        return readFileSync(outboxPath(dataDir), 'utf8')
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as { to: string; text: string });
      } catch {
        return [];
      }
    },
  });
});

import t from 'tap';
import { Writable } from 'node:stream';
import { createLogger } from '../src/index.ts';

t.test('secrets and personal data are redacted wherever they sit in a log line', async (t) => {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const log = createLogger('test', { destination });
  log.info(
    {
      password: 'hunter2-hunter2',
      body: {
        code: '4821',
        refreshToken: 'tok-abc',
        nested: { email: 'ada@example.com', phoneNumber: '+33612345678' },
      },
    },
    'request',
  );
  log.info({ headers: { authorization: 'Bearer eyJsecret' } }, 'headers');
  const output = lines.join('');
  for (const secret of ['hunter2-hunter2', '4821', 'tok-abc', 'ada@example.com', '+33612345678', 'eyJsecret']) {
    t.notOk(output.includes(secret), `the log holds no ${secret}`);
  }
  t.match(output, /\[redacted\]/);
});

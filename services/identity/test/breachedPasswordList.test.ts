/** The shipped list of breached passwords: its size and what it holds. */
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadBreachedPasswordList } from '../src/adapters/fileBreachedPasswordList.ts';
import { foldPassword } from '../src/domain/passwordPolicy.ts';

const list = loadBreachedPasswordList();
const listed = (password: string) => list.has(foldPassword(password));

t.test('the shipped list holds the 100,000 most common breached passwords', async (t) => {
  t.ok(list.size >= 100_000, `${list.size} entries`);
  for (const password of ['123456', 'password', 'qwerty', 'iloveyou', 'password123', 'p@ssw0rd'])
    t.ok(listed(password), `${password} is listed`);
  t.ok(listed('nfkfgtyf') && listed('neznam'), 'so are entries near its end, past rank 100,000');
  t.ok(listed('PassWord123') && listed('QWERTY'), 'in any letter case');
});

t.test('a random strong password is not on it', async (t) => {
  for (let round = 0; round < 20; round += 1) t.notOk(listed(randomBytes(15).toString('base64')));
  t.notOk(listed('a long passphrase 00000001'));
});

t.test('a list file is read gzip-compressed, one entry a line, folded as passwords are', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'breached-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'list.txt.gz');
  writeFileSync(file, gzipSync('Hunter22\ncre\u0300me brûlée\n\n'));
  const small = loadBreachedPasswordList(file);
  t.equal(small.size, 2, 'blank lines are skipped');
  t.ok(small.has('hunter22') && small.has('crème brûlée'));
  writeFileSync(file, gzipSync('\n'));
  t.throws(() => loadBreachedPasswordList(file), /empty/, 'an empty list fails at start, not silently');
});

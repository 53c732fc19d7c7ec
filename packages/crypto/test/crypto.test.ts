import t from 'tap';
import {
  aeadDecrypt,
  aeadEncrypt,
  constantTimeEqual,
  createPasswordHasher,
  deriveKey,
  generateBoxKeyPair,
  generateOtpCode,
  generateSecretKey,
  generateSecretToken,
  hashSecretToken,
  keyedHash,
  openSealedJson,
  sealJson,
  timeOrderedUuid,
} from '../src/index.ts';

const fastParameters = { memoryBytes: 8 * 1024 * 1024, iterations: 1 };

t.test('a password verifies against its own hash and no other password', async (t) => {
  const hasher = await createPasswordHasher(fastParameters);
  const encoded = await hasher.hash('correct horse battery staple');
  t.match(encoded, /^\$argon2id\$/, 'argon2id string form');
  t.notOk(encoded.includes('correct horse'), 'the hash does not contain the password');
  t.equal(await hasher.verify(encoded, 'correct horse battery staple'), true);
  t.equal(await hasher.verify(encoded, 'correct horse battery stapl'), false);
  t.equal(await hasher.verify('not a hash', 'anything'), false, 'a malformed hash verifies nothing');
  await hasher.verifyDummy('whatever');
});

t.test('the same password hashes differently each time (salted)', async (t) => {
  const hasher = await createPasswordHasher(fastParameters);
  t.not(await hasher.hash('pa55word!'), await hasher.hash('pa55word!'));
});

t.test('hashing parameters are written into the hash', async (t) => {
  const hasher = await createPasswordHasher({ memoryBytes: 19 * 1024 * 1024, iterations: 2 });
  t.match(await hasher.hash('pa55word!'), /m=19456,t=2/);
});

t.test('parameters below the library minimum are refused at start', async (t) => {
  await t.rejects(createPasswordHasher({ memoryBytes: 1024, iterations: 1 }));
});

t.test('codes have the asked length, are digits only and spread over all digits', async (t) => {
  const seen = new Map<string, number>();
  const malformed: string[] = [];
  for (let index = 0; index < 2000; index += 1) {
    const code = generateOtpCode(4);
    if (!/^[0-9]{4}$/.test(code)) malformed.push(code);
    for (const digit of code) seen.set(digit, (seen.get(digit) ?? 0) + 1);
  }
  t.same(malformed, []);
  t.equal(seen.size, 10);
  for (const count of seen.values()) t.ok(count > 600 && count < 1000, 'each digit about 800 times in 8000');
  t.match(generateOtpCode(6), /^[0-9]{6}$/);
  t.throws(() => generateOtpCode(2));
});

t.test('a keyed hash depends on the key and on how the parts are split', async (t) => {
  const key = generateSecretKey();
  t.equal(keyedHash(key, 'a', 'bc'), keyedHash(key, 'a', 'bc'));
  t.not(keyedHash(key, 'a', 'bc'), keyedHash(key, 'ab', 'c'));
  t.not(keyedHash(key, 'a'), keyedHash(generateSecretKey(), 'a'));
  t.throws(() => keyedHash(Buffer.alloc(4), 'a'));
});

t.test('a derived key is fixed by its master key and purpose, and hashes nothing like the master key', async (t) => {
  const master = generateSecretKey();
  const derived = deriveKey(master, 'gateway-rate-limits');
  t.equal(derived.length, 32);
  t.same(deriveKey(master, 'gateway-rate-limits'), derived, 'every gateway derives the same key');
  t.notSame(deriveKey(master, 'another purpose'), derived);
  t.notSame(deriveKey(generateSecretKey(), 'gateway-rate-limits'), derived);
  t.not(
    keyedHash(derived, 'email', 'ada@example.com'),
    keyedHash(master, 'email', 'ada@example.com'),
    "its hashes cannot be matched with the master key's",
  );
  t.throws(() => deriveKey(Buffer.alloc(4), 'x'));
});

t.test('secret tokens carry 256 bits and only their hash needs storing', async (t) => {
  const token = generateSecretToken();
  t.equal(Buffer.from(token, 'base64url').length, 32);
  t.not(generateSecretToken(), token);
  t.equal(hashSecretToken(token), hashSecretToken(token));
  t.not(hashSecretToken(token), token);
  t.ok(constantTimeEqual('abc', 'abc'));
  t.notOk(constantTimeEqual('abc', 'abd'));
  t.notOk(constantTimeEqual('abc', 'abcd'));
});

t.test('a sealed value opens only with the recipient key pair', async (t) => {
  const recipient = generateBoxKeyPair();
  const sealed = sealJson(recipient.publicKey, { code: '1234', to: '+33612345678' });
  t.notOk(Buffer.from(sealed, 'base64').toString('latin1').includes('1234'));
  t.same(openSealedJson(recipient, sealed), { code: '1234', to: '+33612345678' });
  t.equal(openSealedJson(generateBoxKeyPair(), sealed), undefined);
  const tampered = Buffer.from(sealed, 'base64');
  tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 1;
  t.equal(openSealedJson(recipient, tampered.toString('base64')), undefined);
  t.equal(openSealedJson(recipient, 'AAAA'), undefined);
});

t.test('authenticated encryption opens only with its key and associated data', async (t) => {
  const key = generateSecretKey();
  const box = aeadEncrypt(key, Buffer.from('ada@example.com'), 'user-1|email');
  t.notOk(box.includes(Buffer.from('ada@example.com')), 'the plaintext is not in the box');
  t.equal(aeadDecrypt(key, box, 'user-1|email')?.toString(), 'ada@example.com');
  t.equal(aeadDecrypt(key, box, 'user-2|email'), undefined, 'moved to another user it does not open');
  t.equal(aeadDecrypt(generateSecretKey(), box, 'user-1|email'), undefined, 'another key does not open it');
  const tampered = Buffer.from(box);
  tampered.writeUInt8(tampered.readUInt8(tampered.length - 1) ^ 1, tampered.length - 1);
  t.equal(aeadDecrypt(key, tampered, 'user-1|email'), undefined, 'a changed byte is detected');
  t.equal(aeadDecrypt(key, Buffer.alloc(10), 'user-1|email'), undefined, 'a short input is refused, not thrown');
  t.not(
    aeadEncrypt(key, Buffer.from('x'), 'a').toString('hex'),
    aeadEncrypt(key, Buffer.from('x'), 'a').toString('hex'),
    'a fresh nonce each time',
  );
});

t.test('time-ordered ids are version 7 UUIDs, unique, and sort by the time they were made', async (t) => {
  const ids = Array.from({ length: 2000 }, (_, index) => timeOrderedUuid(1_700_000_000_000 + index));
  for (const id of ids.slice(0, 50))
    t.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  t.equal(new Set(ids).size, ids.length, 'no two alike');
  t.same([...ids].sort(), ids, 'string order is time order');
  t.equal(
    ids[0]!.replaceAll('-', '').slice(0, 12),
    (1_700_000_000_000).toString(16).padStart(12, '0'),
    'the first 48 bits are the milliseconds',
  );
  const sameMillisecond = new Set(Array.from({ length: 1000 }, () => timeOrderedUuid(1_700_000_000_000)));
  t.equal(sameMillisecond.size, 1000, 'ids of one millisecond differ by their random bits');
});

/**
 * The AsyncAPI document says which event fields are encrypted personal data,
 * and how: every field of `personalDataFields` is marked
 * `x-personal-data: true`, no other field is, and what the protector really
 * writes has the declared shape and opens as the description says.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { aeadDecrypt, generateSecretKey } from '@tessera/crypto';
import {
  identityEvents,
  PERSONAL_DATA_MARKER,
  PERSONAL_DATA_PATTERN,
  personalDataFields,
  personalDataFieldsOf,
} from '@tessera/contracts';
import { createPersonalDataProtector, createSqliteKeyStore, deriveKeyEncryptionKey } from '@tessera/personal-data';

interface Message {
  payload: { properties: { data: { properties: Record<string, Record<string, unknown>> } } };
}
const document = JSON.parse(readFileSync('contracts/generated/asyncapi.json', 'utf8')) as {
  info: { description: string };
  components: { messages: Record<string, Message> };
};

t.test('every personal-data field, and no other, carries the marker', async (t) => {
  const marked: string[] = [];
  const otherwise: string[] = [];
  for (const [type, message] of Object.entries(document.components.messages)) {
    for (const [field, schema] of Object.entries(message.payload.properties.data.properties)) {
      if (schema[PERSONAL_DATA_MARKER] === true) marked.push(`${type}.${field}`);
      else if (PERSONAL_DATA_MARKER in schema) otherwise.push(`${type}.${field}`);
    }
  }
  const declared = Object.entries(personalDataFields).flatMap(([type, fields]) =>
    fields.map((field) => `${type}.${field}`),
  );
  t.same(marked.sort(), declared.sort(), 'the marked fields are exactly personalDataFields');
  t.same(otherwise, [], 'no field carries the marker with another value');
  t.same(
    Object.keys(document.components.messages).sort(),
    Object.keys(identityEvents).sort(),
    'every event type is in the document',
  );
});

t.test('the description states the format: prefix, algorithm, key, associated data', async (t) => {
  for (const fact of [
    '`pd1.`',
    'base64url',
    'XChaCha20-Poly1305',
    'crypto_aead_xchacha20poly1305_ietf',
    '24-byte nonce',
    '16-byte tag',
    'own random 256-bit key',
    '`<userId>|<field>`',
    'PersonalDataErased',
  ]) {
    t.ok(document.info.description.includes(fact), fact);
  }
});

t.test('what the protector writes fits the declared pattern and opens as described', async (t) => {
  const masterKey = generateSecretKey();
  const keyStore = createSqliteKeyStore({ path: ':memory:' });
  const protector = createPersonalDataProtector({ keyStore, keyEncryptionKey: deriveKeyEncryptionKey(masterKey) });
  const userId = '5b7c1f9e-2d4a-4c8e-9f31-6a0d2e8b7c45';
  const data = {
    userId,
    email: 'ada@example.com',
    phoneNumber: '+33612345678',
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
    roles: ['USER'],
    clientId: 'acme',
  };
  const stored = await protector.protect('UserRegistered', data);
  const { data: revealed } = await protector.reveal('UserRegistered', stored);
  const pattern = new RegExp(PERSONAL_DATA_PATTERN);
  const schemas = document.components.messages.UserRegistered?.payload.properties.data.properties ?? {};
  for (const field of personalDataFieldsOf('UserRegistered')) {
    const value = String(stored[field]);
    t.match(value, pattern, `${field} fits the pattern`);
    t.equal(schemas[field]?.pattern, PERSONAL_DATA_PATTERN, `${field} declares it`);
    const plain = String(data[field as keyof typeof data]);
    t.equal(revealed[field], plain, `${field} opens to its value with the user's key`);
    const box = Buffer.from(value.slice('pd1.'.length), 'base64url');
    t.equal(
      box.length,
      24 + Buffer.byteLength(plain) + 16,
      `${field}: a 24-byte nonce, the ciphertext and a 16-byte tag`,
    );
    t.equal(aeadDecrypt(generateSecretKey(), box, `${userId}|${field}`), undefined, 'no other key opens it');
  }
  await t.rejects(
    protector.reveal('UserRegistered', { ...stored, phoneNumber: stored.email }),
    /does not open/,
    "the field's name is in the associated data: a value moved to another field does not open",
  );
  t.equal(stored.clientId, 'acme', 'an unmarked field is as it was');
  await keyStore.close();
});

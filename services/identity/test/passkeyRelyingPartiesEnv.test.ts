import t from 'tap';
import { readEnv } from '@tessera/runtime';
import { readIdentitySettings } from '../src/identityEnv.ts';

const example = { id: 'app.example.com', name: 'Example', origins: ['https://app.example.com'] };

function problemsOf(value: string): string {
  const read = readEnv({ PASSKEY_RELYING_PARTIES: value });
  readIdentitySettings(read);
  try {
    read.done();
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}

t.test('PASSKEY_RELYING_PARTIES gives each API client its relying party', async (t) => {
  const local = { id: 'localhost', name: 'Tessera (local)', origins: ['http://localhost:3000'] };
  const read = readEnv({ PASSKEY_RELYING_PARTIES: JSON.stringify({ partner: example, dev: local }) });
  t.same(readIdentitySettings(read).identity.passkeyRelyingParties, { partner: example, dev: local });
  t.doesNotThrow(() => read.done());
});

t.test('without PASSKEY_RELYING_PARTIES no client offers passkeys', async (t) => {
  t.same(readIdentitySettings(readEnv({})).identity.passkeyRelyingParties, {});
});

t.test('a wrong PASSKEY_RELYING_PARTIES stops the start with what is wrong', async (t) => {
  t.match(problemsOf('{"partner": '), /PASSKEY_RELYING_PARTIES must be a JSON object .*not valid JSON/);
  t.match(problemsOf('["app.example.com"]'), /PASSKEY_RELYING_PARTIES: must be a JSON object of client ids/);
  t.match(problemsOf('{"partner": "app.example.com"}'), /client "partner" needs an object \{id, name, origins\}/);
  const withId = (id: string) => problemsOf(JSON.stringify({ partner: { ...example, id } }));
  t.match(withId('https://app.example.com'), /id must be a lower-case host name/);
  t.match(withId('app.example.com:443'), /id must be a lower-case host name/);
  t.match(withId('App.Example.com'), /id must be a lower-case host name/);
  const withName = (name: string) => problemsOf(JSON.stringify({ partner: { ...example, name } }));
  t.match(withName(''), /name must be 1 to 64 characters/);
  t.match(withName('x'.repeat(65)), /name must be 1 to 64 characters/);
  t.equal(withName('é'.repeat(64)), '', '64 characters are a name');
  const withOrigins = (origins: unknown) => problemsOf(JSON.stringify({ partner: { ...example, origins } }));
  t.match(withOrigins([]), /origins must be a list of 1 to 16 origins/);
  t.match(withOrigins(['app.example.com']), /origins\[0\] is not an absolute URL/);
  t.match(withOrigins(['ftp://app.example.com']), /origins\[0\] is not an http or https URL/);
  t.match(
    withOrigins(['https://app.example.com/login']),
    /is not an origin \(write it as "https:\/\/app.example.com"\)/,
  );
  t.match(withOrigins(['https://evil.example.org']), /is not on the relying party's domain "app.example.com"/);
  t.equal(withOrigins(['https://app.example.com', 'https://eu.app.example.com:8443']), '', 'a subdomain and a port');
  t.match(problemsOf(JSON.stringify({ partner: { ...example, extra: 1 } })), /unknown fields extra/);
});

/** Canonical JSON as RFC 8785 has it: what every event's hash is computed over, by Tessera and by an auditor's script. */
import t from 'tap';
import { canonicalJson } from '../src/index.ts';

t.test('keys are sorted by UTF-16 code units, at every depth, with no whitespace', async (t) => {
  // RFC 8785 §3.2.3's example of property sorting, and the order it gives.
  const sorted = canonicalJson({
    '\u20ac': 'Euro Sign',
    '\r': 'Carriage Return',
    '\ufb33': 'Hebrew Letter Dalet With Dagesh',
    '1': 'One',
    '\ud83d\ude00': 'Emoji: Grinning Face',
    '\u0080': 'Control',
    '\u00f6': 'Latin Small Letter O With Diaeresis',
  });
  t.same(Object.values(JSON.parse(sorted) as Record<string, string>).slice(1), [
    'Carriage Return',
    'Control',
    'Latin Small Letter O With Diaeresis',
    'Euro Sign',
    'Emoji: Grinning Face',
    'Hebrew Letter Dalet With Dagesh',
  ]);
  t.ok(sorted.indexOf('"\\r"') < sorted.indexOf('"1"'), 'the carriage return comes before "1"');
  t.equal(
    canonicalJson({ b: [1, { z: null, a: 'x' }], a: { d: true, c: false } }),
    '{"a":{"c":false,"d":true},"b":[1,{"a":"x","z":null}]}',
  );
  t.equal(canonicalJson({ 10: 'a', 9: 'b' }), '{"10":"a","9":"b"}', 'numeric-looking keys sort as text');
});

t.test('values are written as ECMAScript writes them; what JSON cannot carry is refused', async (t) => {
  t.equal(
    canonicalJson([1e21, 1e-7, -0, 0.1, 2 ** 53, 'é\u2028"']),
    '[1e+21,1e-7,0,0.1,9007199254740992,"é\u2028\\""]',
  );
  t.equal(canonicalJson({ gone: undefined, kept: [undefined] }), '{"kept":[null]}', 'as JSON.stringify does');
  for (const bad of [NaN, Infinity, { f: () => 1 }, [Symbol('s')], 1n]) t.throws(() => canonicalJson(bad), TypeError);
});

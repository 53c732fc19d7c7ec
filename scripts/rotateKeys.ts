/**
 * `npm run keys:rotate -- <keys.json> [--retain N]`: a new token-signing key
 * signs from the next start of each service; the N most recent earlier keys
 * (default 2) stay published in the JWKS so tokens they signed stay valid
 * until they expire. Restart the services (gateways) after rotating.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { rotateSigningKey } from '@tessera/runtime';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { retain: { type: 'string' } } });
const [file] = positionals;
const retain = values.retain === undefined ? 2 : Number(values.retain);
if (!file || !Number.isInteger(retain) || retain < 1 || retain > 10) {
  process.stderr.write('usage: npm run keys:rotate -- <path/to/keys.json> [--retain 1..10]\n');
  process.exit(2);
}
const kid = rotateSigningKey(path.resolve(file), { retain });
process.stdout.write(
  `new signing key ${kid}; ${retain} earlier key(s) kept for verification. Restart the gateways to sign with it.\n`,
);

/**
 * `npm run keys:generate -- <file>`: writes a new keyring for the distributed
 * services (owner-only), unless the file already exists.
 */
import path from 'node:path';
import { createKeyringFile } from '@tessera/runtime';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: npm run keys:generate -- <path/to/keys.json>\n');
  process.exit(2);
}
const created = createKeyringFile(path.resolve(file));
process.stdout.write(created ? `wrote a new keyring to ${file}\n` : `${file} exists: kept as it is\n`);

/**
 * `npm run passwords:generate [-- <common-passwords.txt>]`: rewrites
 * services/identity/data/breachedPasswords.txt.gz from the ranked list of the
 * `passablewords` 1.0.1 crate (crates.io, MIT): one password a line, most
 * common first. `cargo info passablewords@1.0.1` puts the crate in cargo's
 * registry, where this script finds it when given no path.
 *
 * Each entry is folded as identity folds a password (NFC, lower case); the
 * first 100,000 distinct folded entries are kept, in rank order, gzip-compressed
 * (Node's gzip writes no timestamp, so the same input gives the same bytes).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { foldPassword } from '../services/identity/src/domain/passwordPolicy.ts';

const ENTRIES = 100_000;
const CRATE = 'passablewords-1.0.1';
/** SHA-256 of the crate's src/common-passwords.txt: the input this file was generated from. */
const SOURCE_SHA256 = '23f6d0966ef823a5cc746234e49bbf95eff14f8e425eca9263cdeaec6e11285f';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const output = path.join(root, 'services/identity/data/breachedPasswords.txt.gz');

function sourceInCargoRegistry(): string | undefined {
  const registry = path.join(process.env.CARGO_HOME ?? path.join(homedir(), '.cargo'), 'registry', 'src');
  if (!existsSync(registry)) return undefined;
  return readdirSync(registry)
    .map((index) => path.join(registry, index, CRATE, 'src', 'common-passwords.txt'))
    .find((candidate) => existsSync(candidate));
}

const source = process.argv[2] ?? sourceInCargoRegistry();
if (!source) {
  process.stderr.write(
    `no source list: run \`cargo info passablewords@1.0.1\` first, or pass the path of ${CRATE}/src/common-passwords.txt\n`,
  );
  process.exit(2);
}
const bytes = readFileSync(source);
const digest = createHash('sha256').update(bytes).digest('hex');
if (digest !== SOURCE_SHA256) {
  process.stderr.write(
    `${source} is not the expected list (sha256 ${digest}); update SOURCE_SHA256 and the data README if the source changed on purpose\n`,
  );
  process.exit(1);
}

const entries = new Set<string>();
let ranksRead = 0;
for (const line of bytes.toString('utf8').split('\n')) {
  if (entries.size === ENTRIES) break;
  ranksRead += 1;
  const entry = foldPassword(line.replace(/\r$/, ''));
  if (entry !== '') entries.add(entry);
}
if (entries.size < ENTRIES) throw new Error(`only ${entries.size} distinct entries in ${source}`);

writeFileSync(output, gzipSync(`${[...entries].join('\n')}\n`, { level: 9 }));
process.stdout.write(
  `wrote ${path.relative(root, output)}: ${entries.size} entries from the ${ranksRead} most common; the last is ${JSON.stringify([...entries].at(-1))}\n`,
);

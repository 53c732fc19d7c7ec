/**
 * `npm run keys:generate -- <file> [--audit <audit-key file>]`: writes a new
 * keyring for the distributed services (owner-only), unless the file already
 * exists; with `--audit`, also identity's audit key, which signs the event
 * log's checkpoints and is kept in a file of its own (ADR 32). Either may be
 * given alone.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createAuditKeyFile, createKeyringFile, loadAuditKey } from '@tessera/runtime';

const usage = 'usage: npm run keys:generate -- [<path/to/keys.json>] [--audit <path/to/audit-key.json>]\n';
let parsed;
try {
  parsed = parseArgs({ allowPositionals: true, options: { audit: { type: 'string' } } });
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n${usage}`);
  process.exit(2);
}
const [file, ...extra] = parsed.positionals;
const auditFile = parsed.values.audit;
if ((!file && !auditFile) || extra.length > 0) {
  process.stderr.write(usage);
  process.exit(2);
}
if (file) {
  const created = createKeyringFile(path.resolve(file));
  process.stdout.write(created ? `wrote a new keyring to ${file}\n` : `${file} exists: kept as it is\n`);
}
if (auditFile) {
  const created = createAuditKeyFile(path.resolve(auditFile));
  const { keyId } = loadAuditKey(path.resolve(auditFile));
  process.stdout.write(
    created
      ? `wrote a new audit key to ${auditFile} (key id ${keyId}): give auditors its public key\n`
      : `${auditFile} exists: kept as it is (key id ${keyId})\n`,
  );
}

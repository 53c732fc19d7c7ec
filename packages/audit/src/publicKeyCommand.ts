/** `npm run --silent audit -- public-key`: the audit public key as auditors are given it, to pass to `verify --public-key`. */
import { publicKeyOfFile } from './auditKeys.ts';
import { readAuditSettings } from './auditSettings.ts';
import { exitStatus, UsageError, writeOut, type Subcommand } from './subcommand.ts';

const usage = `public-key
      print the audit public key ({"keyId", "jwk"}) of the audit key file (AUDIT_KEY_FILE, else
      DATA_DIR/audit-key.json), to give auditors out of band; they pass it to verify --public-key.
      exit status: 0 printed, 2 no key file or bad usage`;

export const publicKeyCommand: Subcommand = {
  usage,
  async run(args) {
    if (args.length > 0) throw new UsageError(`public-key takes no arguments (got ${args.join(' ')})`);
    const key = publicKeyOfFile(readAuditSettings(process.env).auditKeyFile);
    await writeOut(`${JSON.stringify(key)}\n`);
    return exitStatus.done;
  },
};

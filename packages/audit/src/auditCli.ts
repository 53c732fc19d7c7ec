/**
 * The auditor's tools: `npm run audit -- <subcommand> [arguments]`.
 * (`npm run --silent audit -- …` keeps npm's banner out of stdout, where
 * export summaries, reports and the public key go.)
 *
 * Exit status of every subcommand: 0 done or verified, 1 a break found or
 * failed, 2 bad usage or configuration, 3 no such user.
 */
import { pathToFileURL } from 'node:url';
import { ConfigError } from '@tessera/runtime';
import { exportCommand } from './exportCommand.ts';
import { historyCommand, issueCredentialCommand } from './history/index.ts';
import { publicKeyCommand } from './publicKeyCommand.ts';
import { exitStatus, UsageError, type Subcommand } from './subcommand.ts';
import { verifyCommand } from './verifyCommand.ts';

/** Every subcommand, by the name typed after `audit --`; the usage lists them in this order. */
const subcommands: Record<string, Subcommand> = {
  verify: verifyCommand,
  export: exportCommand,
  'public-key': publicKeyCommand,
  history: historyCommand,
  'issue-credential': issueCredentialCommand,
};

function usage(only?: Subcommand): string {
  const shown = only ? [only] : Object.values(subcommands);
  return [
    'usage: npm run audit -- <subcommand> [arguments]',
    ...shown.map((subcommand) => `  ${subcommand.usage}`),
    'exit status: 0 done or verified, 1 a break found or failed, 2 bad usage or configuration, 3 no such user',
  ].join('\n');
}

/** Runs the subcommand `argv` names; resolves to the exit status. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stderr.write(`${usage()}\n`);
    return name === undefined ? exitStatus.usage : exitStatus.done;
  }
  const subcommand = Object.hasOwn(subcommands, name) ? subcommands[name] : undefined;
  if (!subcommand) {
    process.stderr.write(`no subcommand ${name}\n${usage()}\n`);
    return exitStatus.usage;
  }
  if (args.includes('--help') || args.includes('-h')) {
    process.stderr.write(`${usage(subcommand)}\n`);
    return exitStatus.done;
  }
  try {
    return await subcommand.run(args);
  } catch (error) {
    return reportFailure(error, subcommand);
  }
}

function reportFailure(error: unknown, subcommand: Subcommand): number {
  if (error instanceof UsageError || isParseArgsError(error)) {
    process.stderr.write(`${(error as Error).message}\n${usage(subcommand)}\n`);
    return exitStatus.usage;
  }
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    return exitStatus.usage;
  }
  process.stderr.write(`audit failed: ${error instanceof Error ? error.message : String(error)}\n`);
  return exitStatus.failed;
}

/** node:util's parseArgs refuses an unknown option or a missing value with a coded TypeError. */
function isParseArgsError(error: unknown): boolean {
  return error instanceof TypeError && String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
}

// Run as a program (scripts/run.mjs); imported, it only offers main().
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}

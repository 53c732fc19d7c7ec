/** The auditor's tools (`npm run audit`), and the verification they run, for tests and other tools. */
export { main } from './auditCli.ts';
export { exitStatus, UsageError } from './subcommand.ts';
export type { Subcommand } from './subcommand.ts';
export { verifyLog } from './verifyLog.ts';
export type { VerifyOutcome, VerifyRequest } from './verifyLog.ts';

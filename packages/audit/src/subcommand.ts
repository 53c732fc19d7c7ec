/** What every subcommand of `npm run audit` shares: its shape, its exit statuses and its way of refusing input. */

/** Exit statuses of every subcommand, as the usage lists them. */
export const exitStatus = {
  /** Done, or the log verified. */
  done: 0,
  /** A break in the log (verify), or the command failed. */
  failed: 1,
  /** Bad usage or configuration. */
  usage: 2,
  /** No such user (history). */
  noSuchUser: 3,
} as const;

/** One subcommand: the line the usage shows, and what runs it. */
export interface Subcommand {
  /** `verify [--from POS] …`: the arguments after the subcommand's name, then what it does. */
  usage: string;
  /** Runs with the arguments after the subcommand's name; resolves to the exit status. */
  run(args: string[]): Promise<number>;
}

/** Bad arguments or configuration: the message is shown with the subcommand's usage, exit status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Writes to stdout, waiting when the pipe is full (an export piped into another tool). */
export function writeOut(text: string): Promise<void> {
  return new Promise((resolve) => (process.stdout.write(text) ? resolve() : process.stdout.once('drain', resolve)));
}

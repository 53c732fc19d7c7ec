#!/usr/bin/env node
// Entry point of `npm start`, `npm test` and the CLIs: installs the workspace
// with the pinned pnpm when anything is missing or changed, then runs the task.
// Needs nothing but Node.js 20+ and the npm registry.
//
// package.json starts it with `exec node scripts/run.mjs …`: npm runs scripts
// through `sh -c`, and npm's SIGTERM (an IDE's stop button, a process manager)
// would go to that shell, which dies without passing it on and leaves this
// process and the server running. With `exec` the shell becomes this process,
// which passes signals on to its task and exits after it (see `run`).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PNPM = 'pnpm@10.34.8';
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

function manifests() {
  const files = [
    path.join(root, 'package.json'),
    path.join(root, 'pnpm-lock.yaml'),
    path.join(root, 'pnpm-workspace.yaml'),
  ];
  for (const group of ['packages', 'services']) {
    for (const name of readdirSync(path.join(root, group))) files.push(path.join(root, group, name, 'package.json'));
  }
  files.push(path.join(root, 'contracts', 'package.json'));
  return files.filter((file) => existsSync(file));
}

async function installIfNeeded() {
  const marker = path.join(root, 'node_modules', '.modules.yaml');
  const installedAt = existsSync(marker) ? statSync(marker).mtimeMs : 0;
  if (installedAt > 0 && manifests().every((file) => statSync(file).mtimeMs <= installedAt)) return;
  // On stderr, like pnpm's own output: stdout belongs to the task (`replay export > events.jsonl`).
  console.error(`Installing dependencies with ${PNPM}…`);
  const status = await run('npx', ['--yes', PNPM, 'install', '--frozen-lockfile'], {
    stdio: ['inherit', 2, 2],
    env: { ...process.env, npm_config_yes: 'true' },
  });
  if (status !== 0) {
    console.error('Installing dependencies failed; see the messages above.');
    process.exit(status);
  }
}

/** Signals passed on to the running child; SIGHUP too, as a child in a session of its own no longer hears the terminal close. */
const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];
/** A signal that comes again within this long is the same one arriving twice, not a second request. */
const REPEAT_WINDOW_MS = 1000;

/**
 * Runs one child and passes this process's SIGINT, SIGTERM and SIGHUP on to
 * it; resolves with its exit status once it has exited, so whoever signalled
 * this process sees it end only after the child did.
 *
 * The child gets a process group (and session) of its own, so this process is
 * its one source of signals. A terminal's Ctrl-C reaches every process of the
 * foreground group, and npm passes the one it gets on to its own child as
 * well: sharing the group, the child would get the same SIGINT two or three
 * times, and a second signal makes a service stop at once instead of
 * finishing its in-flight work. So a signal is passed on once, and again only
 * when it comes again after REPEAT_WINDOW_MS (a second Ctrl-C: stop now).
 */
function run(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit', detached: true, ...options });
    const forwardedAt = new Map();
    const forward = (signal) => {
      const now = Date.now();
      if (now - (forwardedAt.get(signal) ?? -Infinity) < REPEAT_WINDOW_MS) return;
      forwardedAt.set(signal, now);
      child.kill(signal);
    };
    for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
    const done = (status) => {
      for (const signal of FORWARDED_SIGNALS) process.off(signal, forward);
      resolve(status);
    };
    child.on('error', (error) => {
      console.error(`${command}: ${error.message}`);
      done(1);
    });
    child.on('exit', (code, signal) => done(code ?? (signal ? 1 : 0)));
  });
}

const tsNode = (script, args = []) => run(process.execPath, ['--import', 'tsx', script, ...args]);

const tasks = {
  start: () => tsNode('services/embedded/src/main.ts'),
  'client-register': (args) => tsNode('services/embedded/src/registerClientCli.ts', args),
  'keys-generate': (args) => tsNode('scripts/generateKeys.ts', args),
  'keys-rotate': (args) => tsNode('scripts/rotateKeys.ts', args),
  replay: (args) => tsNode('services/projector/src/replayCli.ts', args),
  audit: (args) => tsNode('packages/audit/src/auditCli.ts', args),
  service: ([name, ...args]) => tsNode(`services/${name}/src/main.ts`, args),
  tap: (args) => run(bin('tap'), args),
  async test(args) {
    for (const [label, command, commandArgs] of [
      ['Type-checking', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']],
      ['Linting', bin('eslint'), ['.', '--max-warnings=0']],
      // Layout is Prettier's: `npm run format` rewrites it, this only checks it.
      ['Checking the layout', bin('prettier'), ['--check', '--log-level=warn', '**/*.{ts,mjs,js}']],
    ]) {
      console.log(`${label}…`);
      const code = await run(command, commandArgs);
      if (code !== 0) return code;
    }
    return run(bin('tap'), args);
  },
};

const [task, ...rest] = process.argv.slice(2);
if (!task || !(task in tasks)) {
  console.error(`usage: node scripts/run.mjs <${Object.keys(tasks).join('|')}> [args]`);
  process.exit(2);
}
await installIfNeeded();
process.exitCode = await tasks[task](rest);

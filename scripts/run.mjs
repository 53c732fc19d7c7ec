#!/usr/bin/env node
// Entry point of `npm start`, `npm test` and the CLIs: installs the workspace
// with the pinned pnpm when anything is missing or changed, then runs the task.
// Needs nothing but Node.js 20+ and the npm registry.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PNPM = 'pnpm@10.34.8';
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

function manifests() {
  const files = [path.join(root, 'package.json'), path.join(root, 'pnpm-lock.yaml'), path.join(root, 'pnpm-workspace.yaml')];
  for (const group of ['packages', 'services']) {
    for (const name of readdirSync(path.join(root, group))) files.push(path.join(root, group, name, 'package.json'));
  }
  files.push(path.join(root, 'contracts', 'package.json'));
  return files.filter((file) => existsSync(file));
}

function installIfNeeded() {
  const marker = path.join(root, 'node_modules', '.modules.yaml');
  const installedAt = existsSync(marker) ? statSync(marker).mtimeMs : 0;
  if (installedAt > 0 && manifests().every((file) => statSync(file).mtimeMs <= installedAt)) return;
  // On stderr, like pnpm's own output: stdout belongs to the task (`replay export > events.jsonl`).
  console.error(`Installing dependencies with ${PNPM}…`);
  const result = spawnSync('npx', ['--yes', PNPM, 'install', '--frozen-lockfile'], { cwd: root, stdio: ['inherit', 2, 2], env: { ...process.env, npm_config_yes: 'true' } });
  if (result.status !== 0) {
    console.error('Installing dependencies failed; see the messages above.');
    process.exit(result.status ?? 1);
  }
}

function run(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit', ...options });
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

const tsNode = (script, args = []) => run(process.execPath, ['--import', 'tsx', script, ...args]);

const tasks = {
  start: () => tsNode('services/embedded/src/main.ts'),
  'client-register': (args) => tsNode('services/embedded/src/registerClientCli.ts', args),
  'keys-generate': (args) => tsNode('scripts/generateKeys.ts', args),
  'keys-rotate': (args) => tsNode('scripts/rotateKeys.ts', args),
  replay: (args) => tsNode('services/projector/src/replayCli.ts', args),
  service: ([name, ...args]) => tsNode(`services/${name}/src/main.ts`, args),
  async test(args) {
    for (const [label, command, commandArgs] of [
      ['Type-checking', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']],
      ['Linting', bin('eslint'), ['.', '--max-warnings=0']],
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
installIfNeeded();
process.exitCode = await tasks[task](rest);

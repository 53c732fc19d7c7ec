/**
 * `npm start` stopped the way an IDE's stop button or a process manager stops
 * it: SIGTERM to the npm process alone. Every process npm started ends before
 * npm does, and the port closes.
 */
import t from 'tap';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eventually, freePort, repositoryRoot } from '../support/processes.ts';

/** A process as /proc shows it: its parent, state and start time (which tells it from a later process given the same pid). */
function processInfo(pid: number): { ppid: number; state: string; startTime: string } | undefined {
  const file = `/proc/${pid}/stat`;
  if (!existsSync(file)) return undefined;
  try {
    // The command name, in parentheses, may hold spaces: fields are counted after its closing one.
    const text = readFileSync(file, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0]!, ppid: Number(fields[1]), startTime: fields[19]! };
  } catch {
    return undefined;
  }
}

/** Every process below `root`, with its start time. */
function descendants(root: number): Map<number, string> {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const info = processInfo(pid);
    if (info) children.set(info.ppid, [...(children.get(info.ppid) ?? []), pid]);
  }
  const found = new Map<number, string>();
  for (const queue = [root]; queue.length > 0;) {
    for (const child of children.get(queue.shift()!) ?? []) {
      const info = processInfo(child);
      if (info) found.set(child, info.startTime);
      queue.push(child);
    }
  }
  return found;
}

const alive = (pid: number, startTime: string) => {
  const info = processInfo(pid);
  return info !== undefined && info.state !== 'Z' && info.startTime === startTime;
};

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

t.test(
  'SIGTERM to the npm process of `npm start` stops the whole tree and closes the port',
  { skip: process.platform === 'linux' ? false : 'reads the process tree from /proc (Linux)' },
  async (t) => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tessera-signals-'));
    const port = await freePort();
    const npm = spawn('npm', ['start'], {
      cwd: repositoryRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      // A group of its own, as under an IDE: nothing but the test signals it.
      detached: true,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        ARGON2_MEMORY_KIB: '8192',
        ARGON2_ITERATIONS: '1',
        LOG_LEVEL: 'warn',
      },
    });
    const output: string[] = [];
    npm.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    npm.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
    let tree = new Map<number, string>();
    t.teardown(() => {
      // Whatever survived a failed run is ended here, by pid: these are the processes this test started.
      for (const [pid, startTime] of tree) if (alive(pid, startTime)) process.kill(pid, 'SIGKILL');
      if (npm.exitCode === null && npm.signalCode === null) npm.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    });

    await eventually(
      'the server to listen',
      async () => (output.join('').includes('Tessera is running at') ? true : undefined),
      90_000,
    );
    t.ok(await portOpen(port), 'the server listens');
    tree = descendants(npm.pid!);
    t.ok(tree.size >= 2, `npm runs the server in processes of its own (${tree.size} below npm)`);

    process.kill(npm.pid!, 'SIGTERM');
    t.equal(await exited, 0, 'npm exits, and cleanly');
    const survivors = () => [...tree].filter(([pid, startTime]) => alive(pid, startTime)).map(([pid]) => pid);
    const left = await eventually(
      'every process of the tree to end',
      async () => (survivors().length === 0 ? [] : undefined),
      15_000,
      100,
    ).catch(() => survivors());
    t.same(left, [], 'no process of the tree survives');
    t.notOk(await portOpen(port), 'the port is closed');
    t.match(output.join(''), /SIGTERM: finishing in-flight requests/, 'the server was told, and drained its requests');
  },
);

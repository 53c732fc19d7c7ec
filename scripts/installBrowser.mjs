#!/usr/bin/env node
// Finds the Chromium that the real-browser tests drive (test/browser/), or
// installs Debian's `chromium` package when it can: the tests launch it with
// playwright-core, which never downloads a browser of its own.
//
//   node scripts/installBrowser.mjs          find, else install (as root, with apt-get), else explain
//   node scripts/installBrowser.mjs --find   find only; exit 1 with the explanation when there is none
//
// Looks at CHROMIUM_PATH first, then `chromium` and `chromium-browser` on the
// PATH. On success prints `CHROMIUM_PATH=<path>` on stdout (.ci/run exports
// it); everything else goes to stderr. Needs nothing but Node.js: .ci/run
// calls it before `npm test` installs the workspace.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const COMMANDS = ['chromium', 'chromium-browser'];
const PACKAGE = 'chromium';

const say = (line) => console.error(`installBrowser: ${line}`);

function isExecutableFile(file) {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function onPath(command) {
  for (const directory of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!directory) continue;
    const candidate = path.join(directory, command);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/** The version a Chromium reports, or undefined when it does not start. */
function versionOf(executable) {
  const probe = spawnSync(executable, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  if (probe.status !== 0) return undefined;
  return probe.stdout.trim().split('\n').pop();
}

/** `{ executable, version }` of a Chromium that starts, or `{ missing }`: why there is none. */
export function findChromium() {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) {
    if (!isExecutableFile(configured)) return { missing: `CHROMIUM_PATH=${configured} is not an executable file` };
    const version = versionOf(configured);
    if (!version) return { missing: `CHROMIUM_PATH=${configured} does not start (\`--version\` failed)` };
    return { executable: configured, version };
  }
  for (const command of COMMANDS) {
    const executable = onPath(command);
    const version = executable && versionOf(executable);
    if (executable && version) return { executable, version };
  }
  return {
    missing: `neither CHROMIUM_PATH nor ${COMMANDS.map((command) => `\`${command}\``).join(' or ')} on the PATH`,
  };
}

function aptGet(args) {
  // Waits for another apt or dpkg run to let go of its lock rather than failing at once.
  const result = spawnSync('apt-get', ['-o', 'DPkg::Lock::Timeout=300', ...args], {
    stdio: ['ignore', 2, 2],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return result.status === 0;
}

/** Installs Debian's package as root; the reason when it cannot. */
function install() {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0)
    return 'not running as root, so the package cannot be installed from here';
  if (!onPath('apt-get')) return 'no apt-get: this is not a Debian or Ubuntu system';
  const installArgs = ['install', '-y', '--no-install-recommends', PACKAGE];
  say(`installing Debian's ${PACKAGE} package with apt-get…`);
  if (aptGet(installArgs)) return undefined;
  // A fresh machine may have no package lists yet, or stale ones naming a version no longer served.
  say('apt-get install failed; updating the package lists and trying again…');
  if (aptGet(['update']) && aptGet(installArgs)) return undefined;
  return `\`apt-get install ${PACKAGE}\` failed (see above)`;
}

function explain(reason) {
  say(`no Chromium for the real-browser tests: ${reason}.`);
  say('Install one, then run the tests again:');
  say(`  Debian, Ubuntu:  sudo apt-get install --no-install-recommends ${PACKAGE}   (or run this script as root)`);
  say('  elsewhere:       set CHROMIUM_PATH to a Chromium or Chrome executable');
  say('Outside CI the tests that need it are skipped; with CI=true they fail.');
}

function main(args) {
  const findOnly = args.includes('--find');
  let found = findChromium();
  // A CHROMIUM_PATH that does not work is the user's to fix: installing another would not be used.
  if ('missing' in found && !findOnly && !process.env.CHROMIUM_PATH) {
    const refused = install();
    if (refused) {
      explain(`${found.missing}, and ${refused}`);
      return 1;
    }
    found = findChromium();
  }
  if ('missing' in found) {
    explain(found.missing);
    return 1;
  }
  say(`using ${found.version} at ${found.executable}`);
  console.log(`CHROMIUM_PATH=${found.executable}`);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}

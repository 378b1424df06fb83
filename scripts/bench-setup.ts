/**
 * `npm run bench:setup`: installs the reference peers that `npm run bench` runs beside fanout.
 *
 * - The Python peers (the seed article's scripts, Scrapy): Debian packages, through apt when run
 *   as root; otherwise the command to run is printed.
 * - Crawlee: a writable copy of the peer files in bench/.peers/ and `npm ci` there (the shared
 *   folder may be read-only). Re-run after the shared lock file changes; an unchanged copy is kept.
 *
 * Idempotent. Exits 1 when something could not be installed (the bench itself never fails on a
 * missing peer: it reports the row as missing).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { APT_PACKAGES, CRAWLEE_FILES, INSTALLED_LOCK, PEERS_COPY_DIR, PYTHON, PYTHON_MODULES, TIME_BIN, peersSourceDir } from './peer-paths';

const log = (line: string) => process.stdout.write(`${line}\n`);

function pythonHas(modules: readonly string[]): boolean {
  if (!fs.existsSync(PYTHON)) return false;
  return spawnSync(PYTHON, ['-c', `import ${modules.join(', ')}`], { stdio: 'ignore' }).status === 0;
}

function pythonReady(): boolean {
  return pythonHas([...PYTHON_MODULES.seeds, ...PYTHON_MODULES.scrapy]) && fs.existsSync(TIME_BIN);
}

/** apt for the Python peers and GNU time; true when they are usable afterwards. */
function setUpPython(): boolean {
  if (pythonReady()) {
    log(`python peers: ready (${PYTHON} imports requests, bs4, lxml, scrapy; ${TIME_BIN} present)`);
    return true;
  }
  const install = ['apt-get', 'install', '-y', ...APT_PACKAGES];
  if (process.getuid?.() !== 0) {
    log('python peers: missing. As root, run:');
    log(`  apt-get update && ${install.join(' ')}`);
    return false;
  }
  log(`python peers: installing ${APT_PACKAGES.join(' ')} with apt...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const argv of [['apt-get', 'update'], install]) {
    const r = spawnSync(argv[0]!, argv.slice(1), { stdio: 'inherit', env });
    if (r.status !== 0) {
      log(`python peers: \`${argv.join(' ')}\` failed (exit ${r.status ?? r.signal})`);
      return false;
    }
  }
  const ok = pythonReady();
  log(`python peers: ${ok ? 'ready' : 'still missing after apt (see the output above)'}`);
  return ok;
}

/** Copies the Crawlee peer into bench/.peers/ and runs `npm ci` there unless that lock is already installed. */
function setUpCrawlee(source: string): boolean {
  fs.mkdirSync(PEERS_COPY_DIR, { recursive: true });
  for (const file of CRAWLEE_FILES) {
    const to = path.join(PEERS_COPY_DIR, file);
    fs.rmSync(to, { force: true }); // the copy of a read-only file is read-only too
    fs.copyFileSync(path.join(source, file), to);
    fs.chmodSync(to, 0o644);
  }
  const lock = fs.readFileSync(path.join(PEERS_COPY_DIR, 'package-lock.json'), 'utf8');
  const stamp = path.join(PEERS_COPY_DIR, INSTALLED_LOCK);
  const installed = fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === lock && fs.existsSync(path.join(PEERS_COPY_DIR, 'node_modules', 'crawlee'));
  if (installed) {
    log(`crawlee: ready in ${PEERS_COPY_DIR}`);
    return true;
  }
  log(`crawlee: npm ci in ${PEERS_COPY_DIR}...`);
  fs.rmSync(stamp, { force: true });
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: PEERS_COPY_DIR, stdio: 'inherit' });
  if (r.status !== 0) {
    log(`crawlee: npm ci failed (exit ${r.status ?? r.signal})`);
    return false;
  }
  fs.writeFileSync(stamp, lock);
  log(`crawlee: ready in ${PEERS_COPY_DIR}`);
  return true;
}

function main(): void {
  const source = peersSourceDir();
  if (!fs.existsSync(path.join(source, 'README.md'))) {
    log(`no peers at ${source} (set FANOUT_PEERS_DIR to their folder)`);
    process.exitCode = 1;
    return;
  }
  log(`peers: ${source}; node ${process.version}, ${execFileSync(PYTHON, ['--version'], { encoding: 'utf8' }).trim() || 'python ?'}`);
  const python = setUpPython();
  const crawlee = setUpCrawlee(source);
  if (!python || !crawlee) process.exitCode = 1;
}

main();

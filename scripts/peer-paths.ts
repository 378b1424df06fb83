/**
 * Where the reference peer scrapers live and what they need, shared by `npm run bench:setup`
 * (scripts/bench-setup.ts) and the bench (bench/peers.ts).
 *
 * The peers' sources are `../shared/peers/` beside the repo (read-only on the team's machines).
 * Crawlee needs its own `npm ci`, which cannot run in a read-only folder, so setup copies the peer
 * files into `bench/.peers/` (gitignored, one per work tree, kept between runs) and installs there.
 */
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

/** The peers' sources. `FANOUT_PEERS_DIR` overrides. @default `<repo>/../shared/peers` */
export function peersSourceDir(): string {
  return path.resolve(ROOT, process.env.FANOUT_PEERS_DIR ?? '../shared/peers');
}

/** The writable copy where Crawlee's `npm ci` runs. */
export const PEERS_COPY_DIR = path.join(ROOT, 'bench', '.peers');

/** Debian's Python: pyenv's `python3`, first on PATH on the team's machines, does not see Debian's packages. */
export const PYTHON = '/usr/bin/python3';

/** GNU time: the CPU of a whole process tree (user + sys including reaped children). */
export const TIME_BIN = '/usr/bin/time';

/** The Debian packages of the Python peers, plus GNU time. */
export const APT_PACKAGES = ['python3-requests', 'python3-bs4', 'python3-lxml', 'python3-scrapy', 'time'] as const;

/** Python modules each kind of Python peer imports. */
export const PYTHON_MODULES = {
  seeds: ['requests', 'bs4', 'lxml'],
  scrapy: ['scrapy'],
} as const;

/** The files of the peers' folder that the Crawlee copy needs. */
export const CRAWLEE_FILES = ['package.json', 'package-lock.json', 'crawlee_peer.mjs'] as const;

/** Written into the copy after a successful `npm ci`: the lock file it installed. */
export const INSTALLED_LOCK = '.installed-lock.json';

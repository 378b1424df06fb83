/**
 * The scrapers the bench compares, as commands: the reference peers of ../shared/peers (the seed
 * article's two scripts, Scrapy, Crawlee), fanout's CLI, and the TypeScript stand-ins of the
 * classic approaches. Each says what it needs, so a missing one becomes a row that says why.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PEERS_COPY_DIR, PYTHON, PYTHON_MODULES, peersSourceDir } from '../scripts/peer-paths';
import type { LinkCount } from './correctness';
import { fanoutDefaults, fanoutInFlight, type FanoutSettings } from './scenarios';

const ROOT = path.resolve(__dirname, '..');
const TSX = ['--require', require.resolve('tsx/cjs')];
const SETUP_HINT = 'run `npm run bench:setup`';

export type ScraperKind = 'peer' | 'fanout' | 'stand-in';

export interface ScraperSpec {
  /** File-safe name, unique within a list: the output and log files are `<id>.jsonl` / `<id>.log`. */
  id: string;
  label: string;
  kind: ScraperKind;
  /** Settings, human-readable. */
  settings: string;
  /** Requests the scraper lets be in flight at most, over the whole run. */
  inFlight: number;
  /** Its limit per host, or null when it has none of its own. */
  perHost: number | null;
  links: LinkCount;
  /** Runs of it; the median (by pages/s) is reported. Runs that take minutes run once. */
  repeats: number;
  /** Why it cannot run on this machine, or undefined when it can. */
  missing(): string | undefined;
  command(urlsFile: string, outFile: string): { command: string; args: string[] };
}

const pythonChecks = new Map<string, boolean>();
/** True when Debian's python3 imports all of `modules` (cached: importing Scrapy takes a second). */
function pythonHas(modules: readonly string[]): boolean {
  const key = modules.join(',');
  if (!pythonChecks.has(key)) {
    pythonChecks.set(key, fs.existsSync(PYTHON) && spawnSync(PYTHON, ['-c', `import ${key}`], { stdio: 'ignore' }).status === 0);
  }
  return pythonChecks.get(key)!;
}

function pythonPeer(
  id: string,
  label: string,
  script: string,
  modules: readonly string[],
  extra: string[],
  settings: string,
  inFlight: number,
  perHost: number | null,
): ScraperSpec {
  const file = path.join(peersSourceDir(), script);
  return {
    id,
    label,
    kind: 'peer',
    settings,
    inFlight,
    perHost,
    links: 'anchors',
    repeats: 1,
    missing: () => {
      if (!fs.existsSync(file)) return `no ${file}`;
      if (!pythonHas(modules)) return `${PYTHON} cannot import ${modules.join(', ')}: ${SETUP_HINT}`;
      return undefined;
    },
    command: (urls, out) => ({ command: PYTHON, args: [file, urls, out, ...extra] }),
  };
}

/** The seed article's script: requests + BeautifulSoup (lxml), one URL at a time. */
export function seedSequential(): ScraperSpec {
  return pythonPeer('seed_sequential', 'seed sequential (requests + bs4)', 'seed_sequential.py', PYTHON_MODULES.seeds, [], 'one URL at a time', 1, 1);
}

/** The seed's work in a ProcessPoolExecutor, collected as completed. */
export function seedPool(workers = 4): ScraperSpec {
  return pythonPeer(
    'seed_pool',
    `seed pool (${workers} processes)`,
    'seed_pool.py',
    PYTHON_MODULES.seeds,
    ['--workers', String(workers)],
    `--workers ${workers}`,
    workers,
    workers,
  );
}

/**
 * Scrapy at `concurrency` requests in total and per domain. Scrapy's slots are per host *name*,
 * so the 16 ports of the 16-host list are one domain to it; at 64 total that changes nothing.
 */
export function scrapy(concurrency = 64): ScraperSpec {
  return pythonPeer(
    'scrapy',
    'Scrapy',
    'scrapy_peer.py',
    PYTHON_MODULES.scrapy,
    ['--concurrency', String(concurrency)],
    `CONCURRENT_REQUESTS(_PER_DOMAIN) ${concurrency}`,
    concurrency,
    concurrency,
  );
}

/**
 * Crawlee's CheerioCrawler, from the copy `npm run bench:setup` installs. Without
 * `desiredConcurrency` its pool starts at 10 and grows ~5 % every 10 s: a short run stays near 10.
 */
export function crawlee(maxConcurrency = 64, desiredConcurrency?: number): ScraperSpec {
  const script = path.join(PEERS_COPY_DIR, 'crawlee_peer.mjs');
  const extra = desiredConcurrency === undefined ? [] : ['--desired-concurrency', String(desiredConcurrency)];
  return {
    id: desiredConcurrency === undefined ? 'crawlee' : `crawlee_d${desiredConcurrency}`,
    label: 'Crawlee (CheerioCrawler)',
    kind: 'peer',
    settings:
      desiredConcurrency === undefined
        ? `maxConcurrency ${maxConcurrency}, autoscaled from 10 (its default)`
        : `maxConcurrency ${maxConcurrency}, desiredConcurrency ${desiredConcurrency}`,
    inFlight: maxConcurrency,
    perHost: null,
    links: 'anchors',
    repeats: 1,
    missing: () => {
      if (!fs.existsSync(path.join(PEERS_COPY_DIR, 'node_modules', 'crawlee'))) return `crawlee is not installed in ${PEERS_COPY_DIR}: ${SETUP_HINT}`;
      const source = path.join(peersSourceDir(), 'crawlee_peer.mjs');
      if (fs.existsSync(source) && !fs.readFileSync(source).equals(fs.readFileSync(script))) return `${script} differs from ${source}: ${SETUP_HINT}`;
      return undefined;
    },
    command: (urls, out) => ({ command: process.execPath, args: [script, urls, out, '--max-concurrency', String(maxConcurrency), ...extra] }),
  };
}

/** fanout's CLI in local mode (bin/fanout.js runs the dist/ bundles); unset settings are the CLI's defaults. */
export function fanout(id: string, label: string, settings: FanoutSettings, pages: number, hosts: number, repeats: number): ScraperSpec {
  const full = fanoutDefaults(pages, settings);
  const flags: string[] = [];
  if (settings.workers !== undefined) flags.push('--workers', String(settings.workers));
  if (settings.concurrency !== undefined) flags.push('--concurrency', String(settings.concurrency));
  if (settings.chunkSize !== undefined) flags.push('--chunk-size', String(settings.chunkSize));
  if (settings.perHost !== undefined) flags.push('--per-host', String(settings.perHost));
  return {
    id,
    label,
    kind: 'fanout',
    settings: `${flags.length > 0 ? flags.join(' ') : 'defaults'}: workers ${full.workers}, concurrency ${full.concurrency}, chunk ${full.chunkSize}, per-host ${full.perHost}`,
    inFlight: fanoutInFlight(full, hosts),
    perHost: full.perHost,
    links: 'distinct',
    repeats,
    missing: () => undefined,
    command: (urls, out) => ({ command: process.execPath, args: [path.join(ROOT, 'bin/fanout.js'), 'run', urls, '-o', out, '--allow-private', '--quiet', ...flags] }),
  };
}

/** The TypeScript stand-ins of the classic approaches (undici fetch + cheerio.load), kept as extra rows. */
export function standIn(approach: 'sequential' | 'pool', poolSize = 4): ScraperSpec {
  const pool = approach === 'pool';
  return {
    id: `stand-in-${approach}`,
    label: pool ? `stand-in: process pool (${poolSize}), TypeScript` : 'stand-in: sequential, TypeScript',
    kind: 'stand-in',
    settings: pool ? `${poolSize} processes, one page each at a time, cheerio.load` : 'one page at a time, cheerio.load',
    inFlight: pool ? poolSize : 1,
    perHost: pool ? poolSize : 1,
    links: 'distinct',
    repeats: 1,
    missing: () => undefined,
    command: (urls, out) => ({
      command: process.execPath,
      args: [...TSX, path.join(__dirname, pool ? 'baseline-pool.ts' : 'baseline-sequential.ts'), urls, out, ...(pool ? [String(poolSize)] : [])],
    }),
  };
}

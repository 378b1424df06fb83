/**
 * How many local workers a list gets when `--workers` is not given, and how many requests each
 * runs at once when `--concurrency` is not given either.
 *
 * A worker process is not free: it loads its bundle (~0.2 s of CPU) and its hot path runs slowly
 * until V8 has compiled it, which takes about 2,000 pages (a cold worker spends about twice a warm
 * one's CPU per page). On a short list every extra worker pays that again for a share of the work
 * too small to earn it back, and takes memory (~90 MB) besides. So the pool grows with the list:
 * one worker per {@link URLS_PER_LOCAL_WORKER} URLs, up to one per CPU. Measured on 2 cores
 * (`bench/RESULTS.md`), 1 worker beats 2 up to about 5,000 pages and 2 win from about 10,000.
 *
 * A smaller pool keeps the run's requests in flight: its workers take the CPUs' share of
 * `--concurrency` between them (64 per CPU by default, at most {@link MAX_POOLED_CONCURRENCY} in
 * one worker), so a list of slow sites is no slower for running in fewer processes.
 */
import fs from 'node:fs';
import os from 'node:os';

/** URLs that earn a local worker its start-up. */
export const URLS_PER_LOCAL_WORKER = 5_000;
/** The most requests one worker runs at once when a smaller pool takes the CPUs' share. */
export const MAX_POOLED_CONCURRENCY = 256;

export interface LocalPool {
  workers: number;
  concurrency: number;
}

/**
 * The pool for about `urls` URLs (`undefined`: not known before the run, e.g. stdin or sitemaps, so
 * one worker per CPU). `workers` and `concurrency` are the user's flags, kept when given.
 */
export function localPool(
  urls: number | undefined,
  given: { workers?: number; concurrency?: number },
  defaultConcurrency: number,
  cpus = os.availableParallelism(),
): LocalPool {
  const workers = given.workers ?? (urls === undefined ? cpus : Math.min(cpus, Math.max(1, Math.ceil(urls / URLS_PER_LOCAL_WORKER))));
  if (given.concurrency !== undefined) return { workers, concurrency: given.concurrency };
  if (given.workers !== undefined || workers >= cpus) return { workers, concurrency: defaultConcurrency };
  const share = Math.floor((defaultConcurrency * cpus) / workers);
  return { workers, concurrency: Math.max(defaultConcurrency, Math.min(MAX_POOLED_CONCURRENCY, share)) };
}

/**
 * About how many URLs the list file `path` holds: its lines, counted only up to `enough` (more
 * cannot change the pool). `undefined` for stdin (`-`) or a file that cannot be read: the run
 * reports that itself.
 */
export function countListLines(path: string, enough: number): number | undefined {
  if (path === '-') return undefined;
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const buffer = Buffer.allocUnsafe(1 << 20);
    let lines = 0;
    let last = 0x0a;
    for (let read = fs.readSync(fd, buffer); read > 0 && lines <= enough; read = fs.readSync(fd, buffer)) {
      for (let at = buffer.indexOf(0x0a); at !== -1 && at < read; at = buffer.indexOf(0x0a, at + 1)) lines++;
      last = buffer[read - 1]!;
    }
    return last === 0x0a ? lines : lines + 1;
  } catch {
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Sets `flags.workers` and `flags.concurrency` for a local run of `list` (`undefined` when the
 * URLs come from sitemaps too, so their number is not known): see {@link localPool}.
 */
export function sizeLocalPool(
  flags: { mode: string; workers?: number; concurrency: number },
  list: string | undefined,
  concurrencyGiven: boolean,
  cpus = os.availableParallelism(),
): void {
  if (flags.mode !== 'local') return;
  const urls = list === undefined ? undefined : countListLines(list, URLS_PER_LOCAL_WORKER * cpus);
  const given = { workers: flags.workers, concurrency: concurrencyGiven ? flags.concurrency : undefined };
  Object.assign(flags, localPool(urls, given, flags.concurrency, cpus));
}

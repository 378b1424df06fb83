/**
 * The crawl's seen-set (orchestrator/url-hash-set.ts) at scale: memory and time to add N distinct
 * URLs of a realistic length (~70 characters), against a plain Set<string> of the same URLs for
 * scale. Prints one JSON line per case on stdout. Times are CPU time (user + system), not wall
 * time, so a busy shared machine does not inflate them.
 *
 *   node --expose-gc --require tsx/cjs bench/seen-set.ts 1000000 10000000
 *   node --expose-gc --require tsx/cjs bench/seen-set.ts --strings 1000000   (the Set<string> comparison)
 */
import { UrlHashSet } from '../orchestrator/url-hash-set';

const MiB = 1024 * 1024;

/** CPU ms of this process so far. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** URL number `i`: distinct for every i, about 70 characters, over 1,000 hosts. */
function urlOf(i: number): string {
  return `https://www.site-${i % 1000}.example.com/section-${(i >>> 10) % 100}/article/${i}/page.html?ref=${i % 7}`;
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function memory(): { heapMiB: number; arrayBuffersMiB: number; rssMiB: number } {
  gc();
  const m = process.memoryUsage();
  return { heapMiB: m.heapUsed / MiB, arrayBuffersMiB: m.arrayBuffers / MiB, rssMiB: m.rss / MiB };
}

/** Making the URLs alone, to tell the set's cost from the loop's. */
function makeNsPerUrl(n: number): number {
  const started = cpuMs();
  let length = 0;
  for (let i = 0; i < n; i++) length += urlOf(i).length;
  if (length === 0) throw new Error('unreachable');
  return ((cpuMs() - started) * 1e6) / n;
}

function hashSet(n: number) {
  const makeNs = makeNsPerUrl(n);
  const before = memory();
  const started = cpuMs();
  const set = new UrlHashSet();
  for (let i = 0; i < n; i++) set.add(urlOf(i));
  const addMs = cpuMs() - started;
  // Every URL again: all must be found (no false "new"), which is also the lookup cost.
  let again = 0;
  const lookupStarted = cpuMs();
  for (let i = 0; i < n; i++) if (set.add(urlOf(i))) again++;
  const lookupMs = cpuMs() - lookupStarted;
  const after = memory();
  return {
    structure: 'UrlHashSet',
    urls: n,
    size: set.size,
    wronglyNew: again,
    tableMiB: set.bytes / MiB,
    measuredMiB: after.arrayBuffersMiB - before.arrayBuffersMiB + (after.heapMiB - before.heapMiB),
    bytesPerUrl: set.bytes / n,
    /** Peak while the table last doubled: the old table and the new one. */
    peakMiB: (set.bytes * 1.5) / MiB,
    makeUrlNs: makeNs,
    addNsPerUrl: (addMs * 1e6) / n - makeNs,
    lookupNsPerUrl: (lookupMs * 1e6) / n - makeNs,
  };
}

function stringSet(n: number) {
  const before = memory();
  const started = cpuMs();
  const set = new Set<string>();
  for (let i = 0; i < n; i++) set.add(urlOf(i));
  const addMs = cpuMs() - started;
  const after = memory();
  return {
    structure: 'Set<string>',
    urls: n,
    size: set.size,
    measuredMiB: after.heapMiB - before.heapMiB,
    bytesPerUrl: ((after.heapMiB - before.heapMiB) * MiB) / n,
    addNsPerUrl: (addMs * 1e6) / n,
  };
}

const args = process.argv.slice(2);
const strings = args[0] === '--strings';
for (const raw of strings ? args.slice(1) : args.length > 0 ? args : ['1000000', '10000000']) {
  const n = Number(raw);
  const result = strings ? stringSet(n) : hashSet(n);
  process.stdout.write(`${JSON.stringify(result, (_k, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * 10) / 10 : v))}\n`);
}

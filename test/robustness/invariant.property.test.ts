/**
 * "Nothing lost, nothing doubled", as a property: whatever a list holds (duplicates, bad lines,
 * many hosts) and whatever invocations do (crash, time out, throttle, answer partly, leave URLs
 * unstarted, deliver outcomes twice or for chunks already done), the real pipeline
 * readUrls(stream) -> chunkUrls -> runChunks yields exactly one record per distinct valid URL,
 * plus one per bad line. No processes: SimulatedInvoker plays every failure.
 */
import { Readable } from 'node:stream';
import fc from 'fast-check';
import type { Outcome } from '../../core/contract';
import { chunkUrls } from '../../orchestrator/chunk';
import { InvokeError } from '../../orchestrator/invoker';
import { normaliseUrl } from '../../core/normalise-url';
import { readUrls } from '../../orchestrator/read-urls';
import { runChunks } from '../../orchestrator/run';
import { okOutcome, SimulatedInvoker, type SimulatedCall, type SimulatedScript } from '../helpers/simulated-invoker';

/** A valid URL line, written in one of several spellings that normalise alike (so duplicates arise). */
const urlLine = fc
  .record({ host: fc.integer({ min: 0, max: 11 }), page: fc.integer({ min: 0, max: 25 }), spelling: fc.integer({ min: 0, max: 3 }) })
  .map(({ host, page, spelling }) => {
    const spellings = [`http://h${host}.test/p${page}`, `HTTP://H${host}.TEST:80/p${page}`, `  http://h${host}.test/x/../p${page}#frag  `, `http://h${host}.test/p${page}`];
    return spellings[spelling]!;
  });
const otherLine = fc.constantFrom('not a url', 'ftp://h1.test/file', 'http://', 'h2.test/page', '', '# a comment', '   ', 'javascript:alert(1)');
const listLines = fc.array(fc.oneof({ weight: 4, arbitrary: urlLine }, { weight: 1, arbitrary: otherLine }), { minLength: 0, maxLength: 120 });

/** What one invocation does. */
const behaviour = fc.oneof(
  { weight: 6, arbitrary: fc.record({ type: fc.constant('ok' as const), delayMs: fc.integer({ min: 0, max: 2 }) }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constantFrom('crashed' as const, 'timeout' as const, 'network' as const, 'bad-response' as const) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('throttled' as const) }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('partial' as const), unstarted: fc.nat(4), omit: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('not-started' as const) }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('redeliver' as const), duplicate: fc.boolean() }) },
);
type Behaviour = typeof behaviour extends fc.Arbitrary<infer B> ? B : never;
/** URLs that kill every invocation they are in (crash or time out), so their chunks get split. */
const poisonUrls = fc.array(
  fc.record({ host: fc.integer({ min: 0, max: 11 }), page: fc.integer({ min: 0, max: 25 }) }).map(({ host, page }) => `http://h${host}.test/p${page}`),
  { maxLength: 3 },
);

/** An invoker whose n-th call does behaviours[n % length]: every failure the run must survive. */
function chaosInvoker(behaviours: Behaviour[], capacity: number, allUrls: string[], poison: string[]): SimulatedInvoker {
  const pick = (call: SimulatedCall) => behaviours[call.call % behaviours.length]!;
  const invoker: SimulatedInvoker = new SimulatedInvoker({
    capacity,
    script: (call): SimulatedScript | undefined => {
      const bad = call.urls.find((u) => poison.includes(u));
      if (bad !== undefined) return { fail: new InvokeError(`${bad} killed the worker`, bad.endsWith('1') ? 'timeout' : 'crashed', call.chunkId) };
      const b = pick(call);
      switch (b.type) {
        case 'ok':
          return { delayMs: b.delayMs };
        case 'throttled':
          return { fail: new InvokeError('slow down', 'throttled', call.chunkId, 0) };
        case 'crashed':
        case 'timeout':
        case 'network':
        case 'bad-response':
          return { fail: new InvokeError(`injected ${b.type}`, b.type, call.chunkId) };
        case 'partial':
          return { unstarted: Math.min(b.unstarted, call.urls.length), omit: Math.max(0, Math.min(b.omit, call.urls.length - b.unstarted)) };
        case 'not-started':
          return undefined; // see outcome below
        case 'redeliver': {
          // The same chunk's earlier invocations answered again, plus some other chunk's URLs.
          const earlier = invoker.calls.filter((c) => c.baseId.startsWith(call.baseId.replace(/[ab]+$/, '')) && c.call < call.call).flatMap((c) => c.urls);
          return { duplicate: b.duplicate, foreign: [...earlier, ...allUrls.slice(0, 3)] };
        }
      }
    },
    outcome: (url, call) => {
      const b = pick(call);
      if (b.type === 'not-started' && call.urls.indexOf(url) % 2 === 1) return { url, ok: false, error: { kind: 'not-started', message: 'deadline' }, attempts: 0 };
      // Page-level failures are records like any other.
      if (url.endsWith('7')) return { url, ok: false, error: { kind: 'http', message: 'HTTP 404', status: 404 }, attempts: 1 };
      return okOutcome(url);
    },
  });
  return invoker;
}

function distinctValid(lines: string[]): string[] {
  const set = new Set<string>();
  for (const line of lines) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const result = normaliseUrl(trimmed);
    if (result.ok) set.add(result.url);
  }
  return [...set];
}

const badLines = (lines: string[]) => lines.filter((l) => l.trim() !== '' && !l.trim().startsWith('#') && !normaliseUrl(l).ok).length;

async function pipeline(lines: string[], chunkSize: number, concurrency: number, behaviours: Behaviour[], poison: string[], stopAfter?: number) {
  const list = await readUrls(Readable.from([lines.join('\n')]));
  const invoker = chaosInvoker(behaviours, concurrency, list.urls, poison);
  const stop = new AbortController();
  const run = runChunks(chunkUrls(list.urls, chunkSize), invoker, {
    chunkRetries: 2,
    retryBaseDelayMs: 0,
    retryMaxDelayMs: 1,
    maxThrottles: 4,
    stopSignal: stop.signal,
  });
  const records: Outcome[] = [...list.invalid];
  for await (const outcome of run) {
    records.push(outcome);
    if (stopAfter !== undefined && records.length >= stopAfter) stop.abort();
  }
  return { records, run, invoker, list };
}

describe('every distinct valid URL ends in exactly one record, whatever invocations do', () => {
  let splits = 0;
  test('property: one record per distinct valid URL and per bad line; none twice, none lost, none not-started', async () => {
    await fc.assert(
      fc.asyncProperty(
        listLines,
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 6 }),
        fc.array(behaviour, { minLength: 1, maxLength: 25 }),
        poisonUrls,
        async (lines, chunkSize, concurrency, behaviours, poison) => {
          const { records, run } = await pipeline(lines, chunkSize, concurrency, behaviours, poison);
          splits += run.progress.splits;
          const valid = distinctValid(lines);
          const fromRun = records.filter((r) => r.ok || r.error.kind !== 'invalid-url');
          expect(fromRun.map((r) => r.url).sort()).toStrictEqual([...valid].sort());
          expect(records.length - fromRun.length).toBe(badLines(lines));
          expect(records.some((r) => !r.ok && r.error.kind === 'not-started')).toBe(false);
          expect(run.progress).toMatchObject({ state: 'done', urlsTotal: valid.length, urlsDone: valid.length, abandonedUrls: 0 });
          expect(run.progress.chunksDone).toBe(run.progress.chunksTotal);
          for (const record of records) {
            if (poison.includes(record.url)) expect(record).toMatchObject({ ok: false, error: { kind: 'worker-failed' } });
          }
        },
      ),
      { numRuns: 150 },
    );
    expect(splits).toBeGreaterThan(0); // the generators do reach the bisect path
  });

  test('property: a graceful stop at any point writes no record twice, and records + abandoned = distinct URLs', async () => {
    await fc.assert(
      fc.asyncProperty(
        listLines,
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(behaviour, { minLength: 1, maxLength: 15 }),
        poisonUrls,
        fc.nat(60),
        async (lines, chunkSize, concurrency, behaviours, poison, stopAfter) => {
          const { records, run, list } = await pipeline(lines, chunkSize, concurrency, behaviours, poison, stopAfter);
          const urls = records.filter((r) => r.ok || r.error.kind !== 'invalid-url').map((r) => r.url);
          expect(new Set(urls).size).toBe(urls.length);
          for (const url of urls) expect(list.urls).toContain(url);
          expect(urls.length + run.progress.abandonedUrls).toBe(list.urls.length);
        },
      ),
      { numRuns: 100 },
    );
  });
});

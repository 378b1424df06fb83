/**
 * Speculative copies of stragglers in runChunks: when nothing waits and a slot is free, the URLs a
 * long-running chunk has left go out again; the first record per URL wins.
 */
import type { Outcome, WorkerEventInput, WorkerResult } from '../../core/contract';
import type { Invoker } from '../../orchestrator/invoker';
import { runChunks } from '../../orchestrator/run';

const chunk = (c: number) => Array.from({ length: 5 }, (_, i) => `http://h${c}.test/${i}`);
const result = (event: WorkerEventInput, by: string): WorkerResult => ({
  runId: event.runId,
  chunkId: event.chunkId,
  outcomes: event.urls.map((url) => ({
    url,
    ok: true,
    finalUrl: url,
    status: 200,
    contentType: 'text/html',
    bytes: 1,
    ms: 1,
    title: by,
    description: null,
    links: [],
    attempts: 1,
  })),
  unstarted: [],
  stats: { ok: event.urls.length, failed: 0, bytes: event.urls.length, ms: 1 },
});

/** chunk-0's first invocation answers only when `release` is called (or fails when aborted); the rest answer after 5 ms. */
function stragglingInvoker(): Invoker & { calls: string[]; aborted: string[]; release: () => void } {
  let release = () => {};
  const calls: string[] = [];
  const aborted: string[] = [];
  return {
    capacity: 2,
    calls,
    aborted,
    release: () => release(),
    close: async () => {},
    invoke(event, signal) {
      calls.push(event.chunkId);
      if (event.chunkId !== 'chunk-0') return new Promise((resolve) => setTimeout(() => resolve(result(event, event.chunkId)), 5));
      return new Promise((resolve, reject) => {
        release = () => resolve(result(event, 'chunk-0'));
        signal?.addEventListener('abort', () => {
          aborted.push(event.chunkId);
          reject(signal.reason);
        });
      });
    },
  };
}

async function collect(run: AsyncIterable<Outcome>): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for await (const outcome of run) outcomes.push(outcome);
  return outcomes;
}

it('copies a straggler once nothing waits, keeps the first record per URL, and cancels the original', async () => {
  const invoker = stragglingInvoker();
  const run = runChunks([0, 1, 2, 3].map(chunk), invoker);
  const outcomes = await collect(run);

  expect(outcomes.map((o) => o.url).sort()).toStrictEqual([0, 1, 2, 3].flatMap(chunk).sort());
  expect(outcomes.filter((o) => o.ok && o.title === 'chunk-0~')).toHaveLength(5); // chunk-0's records came from its copy
  expect(invoker.calls).toStrictEqual(['chunk-0', 'chunk-1', 'chunk-2', 'chunk-3', 'chunk-0~']);
  expect(invoker.aborted).toStrictEqual(['chunk-0']); // the original was cancelled, not waited for
  expect(run.progress).toMatchObject({ state: 'done', speculative: 1, invocations: 5, invokeErrors: 0, urlsDone: 20, chunksDone: 4 });
});

it('copies a straggler that hangs with nothing else arriving: a timer wakes the loop once it runs past the median', async () => {
  const invoker = stragglingInvoker();
  // Two chunks for two slots: once chunk-1 is done, no event arrives until chunk-0 ends, which it never does by itself.
  const run = runChunks([0, 1].map(chunk), invoker);
  const fallback = setTimeout(() => invoker.release(), 5_000); // without the timer, the test ends here and fails below
  const outcomes = await collect(run);
  clearTimeout(fallback);

  expect(outcomes).toHaveLength(10);
  expect(invoker.calls).toStrictEqual(['chunk-0', 'chunk-1', 'chunk-0~']);
  expect(invoker.aborted).toStrictEqual(['chunk-0']);
  expect(run.progress).toMatchObject({ state: 'done', speculative: 1, urlsDone: 10 });
});

it('drops the records of the invocation that comes second', async () => {
  const invoker = stragglingInvoker();
  const wrapped: Invoker = {
    ...invoker,
    // The copy waits until the original has answered: the original's records win, the copy's are dropped.
    invoke: (event, signal, onRecord) => {
      if (event.chunkId !== 'chunk-0~') return invoker.invoke(event, signal, onRecord);
      invoker.release();
      return new Promise((resolve) => setTimeout(() => resolve(result(event, 'chunk-0~')), 20));
    },
  };
  const run = runChunks([0, 1, 2, 3].map(chunk), wrapped);
  const outcomes = await collect(run);

  expect(outcomes).toHaveLength(20);
  expect(new Set(outcomes.map((o) => o.url)).size).toBe(20);
  expect(outcomes.filter((o) => o.ok && o.title === 'chunk-0')).toHaveLength(5);
  expect(run.progress).toMatchObject({ state: 'done', speculative: 1, urlsDone: 20, chunksDone: 4 });
});

it('makes no copy with maxSpeculativeCopies: 0', async () => {
  const invoker = stragglingInvoker();
  const run = runChunks([0, 1, 2, 3].map(chunk), invoker, { maxSpeculativeCopies: 0 });
  const iterator = run[Symbol.asyncIterator]();
  const first: Outcome[] = [];
  for (let i = 0; i < 15; i++) first.push((await iterator.next()).value as Outcome);
  expect(invoker.calls).toStrictEqual(['chunk-0', 'chunk-1', 'chunk-2', 'chunk-3']);
  invoker.release();
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) first.push(next.value);
  expect(first).toHaveLength(20);
  expect(run.progress).toMatchObject({ speculative: 0, invocations: 4 });
});

it('spreads a straggler over the slots its end leaves free: each steals a slice of its URLs left, from the end', async () => {
  const urls = Array.from({ length: 20 }, (_, i) => `http://slow.test/${i}`);
  const sent = new Map<string, string[]>();
  const invoker: Invoker = {
    capacity: 4,
    close: async () => {},
    invoke(event, signal) {
      sent.set(event.chunkId, event.urls);
      // chunk-0 never answers by itself; every other invocation, copies included, answers after 5 ms.
      if (event.chunkId === 'chunk-0') return new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason)));
      return new Promise((resolve) => setTimeout(() => resolve(result(event, event.chunkId)), 5));
    },
  };
  const run = runChunks([urls, ...[1, 2, 3].map(chunk)], invoker, { maxSpeculativeCopies: 4, scrape: { concurrency: 5 } });
  const outcomes = await collect(run);

  expect(outcomes.map((o) => o.url).sort()).toStrictEqual([...urls, ...[1, 2, 3].flatMap(chunk)].sort());
  // Slices of 5 (what a worker fetches at once), stolen from the end: together all 20, each sent once.
  const copies = ['chunk-0~', 'chunk-0~2', 'chunk-0~3', 'chunk-0~4'].map((id) => sent.get(id));
  expect(copies).toStrictEqual([urls.slice(15), urls.slice(10, 15), urls.slice(5, 10), urls.slice(0, 5)]);
  expect(outcomes.filter((o) => o.url.startsWith('http://slow.test/') && o.ok && o.title?.startsWith('chunk-0~'))).toHaveLength(20);
  expect(run.progress).toMatchObject({ state: 'done', speculative: 4, urlsDone: 35, chunksDone: 4 });
});

import type { Outcome } from '../../core/contract';
import { InvokeError } from '../../orchestrator/invoker';
import { runChunks, type RunOptions } from '../../orchestrator/run';
import { SimulatedInvoker, type SimulatedInvokerOptions } from '../helpers/simulated-invoker';

/** chunks[k] = ['http://h<k%hosts>/c<k>/u<i>', ...] */
function makeChunks(count: number, size: number): string[][] {
  return Array.from({ length: count }, (_, k) => Array.from({ length: size }, (_, i) => `http://h${k % 3}.test/c${k}/u${i}`));
}

async function collect(chunks: string[][], invoker: SimulatedInvoker, options: RunOptions = {}) {
  // No speculative copies unless a test asks: the counts below are exact (run-stragglers.test.ts tests copies).
  const run = runChunks(chunks, invoker, { retryBaseDelayMs: 1, retryMaxDelayMs: 2, maxSpeculativeCopies: 0, ...options });
  const outcomes: Outcome[] = [];
  for await (const outcome of run) outcomes.push(outcome);
  return { run, outcomes, progress: run.progress };
}

function sim(options: SimulatedInvokerOptions) {
  return new SimulatedInvoker(options);
}

const sorted = (xs: string[]) => [...xs].sort();

describe('runChunks', () => {
  it('yields one outcome per URL and keeps at most `concurrency` chunks in flight', async () => {
    const chunks = makeChunks(12, 5);
    const invoker = sim({ capacity: 8, script: (c) => ({ delayMs: c.call % 3 }) });

    const { outcomes, progress } = await collect(chunks, invoker, { concurrency: 3 });

    expect(sorted(outcomes.map((o) => o.url))).toStrictEqual(sorted(chunks.flat()));
    expect(invoker.maxInFlight).toBe(3);
    expect(progress).toMatchObject({ state: 'done', urlsTotal: 60, urlsDone: 60, urlsOk: 60, chunksDone: 12, invocations: 12, abandonedUrls: 0 });
  });

  it('defaults concurrency to invoker.capacity and sends runId and scrape options to workers', async () => {
    const invoker = sim({ capacity: 2, script: () => ({ delayMs: 2 }) });
    await collect(makeChunks(6, 2), invoker, { runId: 'r1', scrape: { timeoutMs: 500 } });
    expect(invoker.maxInFlight).toBe(2);
    expect(new Set(invoker.calls.map((c) => c.runId))).toStrictEqual(new Set(['r1']));
  });

  it('yields outcomes as chunks complete: a slow chunk does not hold back the fast ones', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const chunks = makeChunks(4, 3);
    const invoker = sim({ capacity: 4, script: (c) => (c.baseId === 'chunk-0' ? { gate } : undefined) });
    const order: string[] = [];
    for await (const outcome of runChunks(chunks, invoker, { maxSpeculativeCopies: 0 })) {
      order.push(outcome.url);
      // Only once every fast chunk has been yielded does the slow one finish.
      if (order.length === 9) release();
    }
    expect(sorted(order.slice(0, 9))).toStrictEqual(sorted(chunks.slice(1).flat()));
    expect(sorted(order.slice(9))).toStrictEqual(sorted(chunks[0]!));
  });

  it('retries a failed chunk and then yields its outcomes once', async () => {
    const invoker = sim({
      script: (c) => (c.baseId === 'chunk-1' && c.attempt <= 2 ? { fail: new InvokeError('boom', 'crashed', c.chunkId) } : undefined),
    });
    const errors: boolean[] = [];
    const { outcomes, progress } = await collect(makeChunks(3, 4), invoker, { onChunkError: (e) => errors.push(e.willRetry) });

    expect(outcomes).toHaveLength(12);
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(invoker.calls.filter((c) => c.baseId === 'chunk-1').map((c) => c.chunkId)).toStrictEqual(['chunk-1', 'chunk-1.2', 'chunk-1.3']);
    expect(errors).toStrictEqual([true, true]);
    expect(progress).toMatchObject({ invokeErrors: 2, retries: 2, invocations: 5 });
  });

  it.each([
    ['timeout', 'worker timed out on every try (3): ran past 50 ms'],
    ['crashed', 'worker crashed on every try (3): ran past 50 ms'],
  ] as const)('a chunk that fails every try (%s) yields worker-failed for each URL', async (reason, message) => {
    const chunks = makeChunks(2, 3);
    const invoker = sim({ script: (c) => (c.baseId === 'chunk-0' ? { fail: new InvokeError('ran past 50 ms', reason, c.chunkId) } : undefined) });

    // bisect off: splitting the failed chunk is tested in test/robustness/bisect.test.ts
    const { outcomes, progress } = await collect(chunks, invoker, { bisect: false });

    const failed = outcomes.filter((o) => !o.ok);
    expect(sorted(failed.map((o) => o.url))).toStrictEqual(sorted(chunks[0]!));
    for (const o of failed) expect(o).toStrictEqual({ url: o.url, ok: false, error: { kind: 'worker-failed', message }, attempts: 3 });
    expect(progress).toMatchObject({ urlsDone: 6, urlsOk: 3, urlsFailed: 3, workerFailedUrls: 3, abandonedUrls: 0, state: 'done' });
  });

  it('honours chunkRetries: 0 (one try)', async () => {
    // A rejection that is not an InvokeError stops the run instead: test/robustness/abort.test.ts
    const invoker = sim({ script: (c) => ({ fail: new InvokeError('not a function', 'crashed', c.chunkId) }) });
    const { outcomes } = await collect(makeChunks(1, 2), invoker, { chunkRetries: 0, bisect: false });
    expect(invoker.calls).toHaveLength(1);
    expect(outcomes.map((o) => (o.ok ? '' : o.error.message))).toStrictEqual([
      'worker crashed on every try (1): not a function',
      'worker crashed on every try (1): not a function',
    ]);
  });

  it('throttled answers wait retryAfterMs and do not use up a try', async () => {
    const invoker = sim({
      script: (c) => {
        if (c.attempt <= 3) return { fail: new InvokeError('slow down', 'throttled', c.chunkId, 1) };
        if (c.attempt <= 5) return { fail: new InvokeError('died', 'crashed', c.chunkId) };
        return undefined;
      },
    });
    const { outcomes, progress } = await collect(makeChunks(1, 2), invoker, { chunkRetries: 2 });
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(progress).toMatchObject({ invocations: 6, throttles: 3, retries: 5 });
  });

  it('gives up on a chunk throttled more than maxThrottles times', async () => {
    const invoker = sim({ script: (c) => ({ fail: new InvokeError('slow down', 'throttled', c.chunkId, 0) }) });
    const { outcomes } = await collect(makeChunks(1, 1), invoker, { maxThrottles: 3 });
    expect(invoker.calls).toHaveLength(4);
    expect(outcomes).toStrictEqual([
      { url: expect.any(String), ok: false, error: { kind: 'worker-failed', message: 'worker was throttled on every try (4): slow down' }, attempts: 4 },
    ]);
  });

  it('writes each URL once when a result repeats outcomes or carries foreign URLs', async () => {
    const chunks = makeChunks(3, 4);
    const invoker = sim({ script: () => ({ duplicate: true, foreign: ['http://elsewhere.test/x', chunks[2]![0]!] }) });

    const { outcomes, progress } = await collect(chunks, invoker);

    expect(sorted(outcomes.map((o) => o.url))).toStrictEqual(sorted(chunks.flat()));
    expect(progress.urlsDone).toBe(12);
  });

  it('requeues unstarted and missing URLs as a new invocation of the chunk', async () => {
    const chunks = makeChunks(1, 6);
    const invoker = sim({ script: (c) => (c.attempt === 1 ? { unstarted: 2, omit: 1 } : undefined) });

    const { outcomes, progress } = await collect(chunks, invoker);

    expect(invoker.calls.map((c) => [c.chunkId, c.urls])).toStrictEqual([
      ['chunk-0', chunks[0]],
      ['chunk-0.2', chunks[0]!.slice(3)],
    ]);
    expect(sorted(outcomes.map((o) => o.url))).toStrictEqual(sorted(chunks[0]!));
    expect(progress).toMatchObject({ requeuedUrls: 3, invokeErrors: 0, urlsOk: 6 });
  });

  it('requeues `not-started` outcomes rather than writing them', async () => {
    const chunks = makeChunks(1, 2);
    const invoker = sim({
      outcome: (url, call) =>
        call.attempt === 1 && url === chunks[0]![1]
          ? { url, ok: false, error: { kind: 'not-started', message: 'deadline' }, attempts: 0 }
          : { url, ok: true, finalUrl: url, status: 200, contentType: null, bytes: 1, ms: 1, title: null, description: null, links: [], attempts: 1 },
    });
    const { outcomes } = await collect(chunks, invoker);
    expect(outcomes.map((o) => [o.url, o.ok])).toStrictEqual([
      [chunks[0]![0], true],
      [chunks[0]![1], true],
    ]);
  });

  it('counts a result that completes nothing as a failed try, so the run always ends', async () => {
    const invoker = sim({ script: () => ({ unstarted: 2 }) });
    const { outcomes } = await collect(makeChunks(1, 2), invoker, { chunkRetries: 1 });
    expect(invoker.calls).toHaveLength(2);
    expect(outcomes.map((o) => (o.ok ? 'ok' : o.error.message))).toStrictEqual([
      'worker gave a bad response on every try (2): worker completed none of 2 URLs (2 unstarted)',
      'worker gave a bad response on every try (2): worker completed none of 2 URLs (2 unstarted)',
    ]);
  });

  it('stopSignal: starts nothing new, lets in-flight chunks finish, and counts the rest as abandoned', async () => {
    const stop = new AbortController();
    const invoker = sim({ capacity: 2, script: () => ({ delayMs: 5 }) });
    const run = runChunks(makeChunks(10, 3), invoker, { stopSignal: stop.signal, maxSpeculativeCopies: 0 });
    const urls: string[] = [];
    for await (const outcome of run) {
      urls.push(outcome.url);
      stop.abort();
    }
    // The two chunks in flight when the first result came finish; nothing else starts.
    expect(invoker.calls).toHaveLength(3);
    expect(urls).toHaveLength(9);
    expect(invoker.aborted).toStrictEqual([]);
    expect(run.progress).toMatchObject({ state: 'stopped', urlsDone: 9, abandonedUrls: 21 });
  });

  it('signal: cancels in-flight invocations and ends with every unfinished URL abandoned', async () => {
    const cancel = new AbortController();
    const invoker = sim({ capacity: 2, script: (c) => (c.baseId === 'chunk-0' ? undefined : { hang: true }) });
    const run = runChunks(makeChunks(5, 2), invoker, { signal: cancel.signal, maxSpeculativeCopies: 0 });
    const urls: string[] = [];
    for await (const outcome of run) {
      urls.push(outcome.url);
      cancel.abort();
    }
    expect(urls).toHaveLength(2);
    // chunk-2 started when chunk-0 finished, before its outcomes were yielded.
    expect(invoker.aborted).toStrictEqual(['chunk-1', 'chunk-2']);
    expect(run.progress).toMatchObject({ state: 'cancelled', urlsDone: 2, abandonedUrls: 8, chunksInFlight: 0, invokeErrors: 0 });
  });

  it('breaking out of the loop cancels in-flight invocations', async () => {
    const invoker = sim({ capacity: 3, script: (c) => (c.baseId === 'chunk-0' ? undefined : { hang: true }) });
    const run = runChunks(makeChunks(3, 1), invoker, { maxSpeculativeCopies: 0 });
    for await (const _ of run) break;
    expect(sorted(invoker.aborted)).toStrictEqual(['chunk-1', 'chunk-2']);
    expect(invoker.inFlight).toBe(0);
    expect(run.progress).toMatchObject({ state: 'cancelled', abandonedUrls: 2 });
  });

  it('starts no new chunk while the consumer is not pulling (backpressure)', async () => {
    const invoker = sim({ capacity: 1 });
    const iterator = runChunks(makeChunks(5, 2), invoker, { maxSpeculativeCopies: 0 })[Symbol.asyncIterator]();
    await iterator.next();
    await new Promise((resolve) => setTimeout(resolve, 50)); // instant chunks would all run by now without backpressure
    // chunk-1 started as chunk-0 finished (to overlap with writing); nothing after it.
    expect(invoker.calls.map((c) => c.chunkId)).toStrictEqual(['chunk-0', 'chunk-1']);
    await iterator.return?.();
  });

  it('rejects bad options before anything starts', () => {
    expect(() => runChunks([], sim({}), { concurrency: 0 })).toThrow(RangeError);
    expect(() => runChunks([], sim({}), { chunkRetries: -1 })).toThrow(RangeError);
  });

  it('ends at once for no chunks, and skips empty ones', async () => {
    const invoker = sim({});
    const { outcomes, progress } = await collect([[], []], invoker);
    expect(outcomes).toStrictEqual([]);
    expect(invoker.calls).toStrictEqual([]);
    expect(progress.state).toBe('done');
  });
});

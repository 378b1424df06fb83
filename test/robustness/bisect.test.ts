/**
 * Bisect: a URL that kills its worker every time is isolated by splitting its chunk, and alone gets
 * `worker-failed`; its chunk-mates finish. Simulated invoker for the exact invocation counts, and a
 * real LocalInvoker whose worker SIGKILLs itself on a chunk with the poison URL.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Outcome } from '../../core/contract';
import { halve, maxSplits, shouldSplit } from '../../orchestrator/bisect';
import { InvokeError } from '../../orchestrator/invoker';
import { LocalInvoker } from '../../orchestrator/invokers/local';
import { runChunks, type RunOptions } from '../../orchestrator/run';
import { SimulatedInvoker } from '../helpers/simulated-invoker';
import { markerDir } from './fake-workers/scripted';

const urls = (n: number, prefix = 'http://h.test/u') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

async function collect(chunks: string[][], invoker: SimulatedInvoker | LocalInvoker, options: RunOptions = {}) {
  const run = runChunks(chunks, invoker, { retryBaseDelayMs: 1, retryMaxDelayMs: 2, maxSpeculativeCopies: 0, ...options });
  const outcomes: Outcome[] = [];
  for await (const outcome of run) outcomes.push(outcome);
  return { outcomes, progress: run.progress };
}

/** Fails every call whose chunk holds one of `poison`, with `reason`. */
function poisoned(poison: string[], reason: 'crashed' | 'timeout' = 'crashed') {
  return new SimulatedInvoker({
    capacity: 4,
    script: (c) => {
      const bad = c.urls.find((u) => poison.includes(u));
      return bad === undefined ? undefined : { fail: new InvokeError(`${bad} killed it`, reason, c.chunkId) };
    },
  });
}

describe('bisect helpers', () => {
  test.each([
    [1, 0],
    [2, 2],
    [3, 4],
    [8, 6],
    [250, 16],
  ])('maxSplits(%i) = %i', (size, splits) => expect(maxSplits(size)).toBe(splits));

  test('halve keeps order and gives the first half the extra item', () => {
    expect(halve(['a', 'b', 'c'])).toStrictEqual([['a', 'b'], ['c']]);
    expect(halve(['a'])).toStrictEqual([['a'], []]);
  });

  test.each([
    [new InvokeError('x', 'crashed', 'c'), 2, 0, 2, true],
    [new InvokeError('x', 'timeout', 'c'), 2, 0, 2, true],
    [new InvokeError('x', 'crashed', 'c'), 1, 0, 2, false], // alone already
    [new InvokeError('x', 'crashed', 'c'), 4, 2, 2, false], // out of splits
    [new InvokeError('x', 'throttled', 'c'), 4, 0, 4, false],
    [new InvokeError('x', 'network', 'c'), 4, 0, 4, false],
    [new InvokeError('x', 'bad-response', 'c'), 4, 0, 4, false],
    [new Error('x'), 4, 0, 4, false],
  ])('shouldSplit(%p, size %i, %i of %i splits) = %p', (error, size, splits, budget, expected) => {
    expect(shouldSplit(error, size, splits, budget)).toBe(expected);
  });
});

describe('runChunks isolates a poison URL', () => {
  test.each(['crashed', 'timeout'] as const)('one poison URL (%s) in a chunk of 64: only it fails, in 3 + 3 x log2(64) invocations', async (reason) => {
    const chunk = urls(64);
    const poison = chunk[37]!;
    const invoker = poisoned([poison], reason);

    const { outcomes, progress } = await collect([chunk], invoker, { chunkRetries: 2, bisectRetries: 1 });

    expect(outcomes.map((o) => o.url).sort()).toStrictEqual([...chunk].sort());
    const failed = outcomes.filter((o) => !o.ok);
    const words = reason === 'crashed' ? 'worker crashed' : 'worker timed out';
    // 3 tries of the chunk, then 2 tries at each of the 6 levels: 3 + 6 x 2 = 15 invocations saw it.
    expect(failed).toStrictEqual([
      { url: poison, ok: false, error: { kind: 'worker-failed', message: `${words} on every try (15), also when this URL ran alone: ${poison} killed it` }, attempts: 15 },
    ]);
    // Each of 6 levels: the bad half twice (1 retry), the good half once.
    expect(invoker.calls).toHaveLength(3 + 6 * 3);
    expect(progress).toMatchObject({ splits: 6, workerFailedUrls: 1, urlsOk: 63, chunksDone: 1, chunksTotal: 1, state: 'done' });
  });

  test('halves are named after their chunk and run before new chunks', async () => {
    const chunks = [urls(4, 'http://a.test/'), urls(4, 'http://b.test/')];
    const invoker = poisoned([chunks[0]![0]!]);
    await collect(chunks, invoker, { chunkRetries: 0, bisectRetries: 0, concurrency: 1 });
    expect(invoker.calls.map((c) => c.chunkId)).toStrictEqual(['chunk-0', 'chunk-0a', 'chunk-0aa', 'chunk-0ab', 'chunk-0b', 'chunk-1']);
  });

  test('two poison URLs are both isolated; everything else succeeds', async () => {
    const chunk = urls(32);
    const poison = [chunk[3]!, chunk[29]!];
    const { outcomes, progress } = await collect([chunk], poisoned(poison));
    expect(
      outcomes
        .filter((o) => !o.ok)
        .map((o) => o.url)
        .sort(),
    ).toStrictEqual([...poison].sort());
    expect(progress.urlsOk).toBe(30);
  });

  test('a worker that always crashes: splits stop at maxSplits, every URL gets exactly one worker-failed', async () => {
    const chunk = urls(16);
    const invoker = new SimulatedInvoker({ script: (c) => ({ fail: new InvokeError('broken deployment', 'crashed', c.chunkId) }) });
    const { outcomes, progress } = await collect([chunk], invoker, { chunkRetries: 1, bisectRetries: 0 });
    expect(outcomes.map((o) => o.url).sort()).toStrictEqual([...chunk].sort());
    expect(outcomes.every((o) => !o.ok && o.error.kind === 'worker-failed')).toBe(true);
    expect(progress.splits).toBe(maxSplits(16));
    // 2 tries of the chunk, then one per piece: each split adds two pieces.
    expect(invoker.calls).toHaveLength(2 + 2 * maxSplits(16));
  });

  test('bisect: false keeps the old behaviour (the whole chunk fails)', async () => {
    const chunk = urls(8);
    const { outcomes } = await collect([chunk], poisoned([chunk[0]!]), { bisect: false, chunkRetries: 0 });
    expect(outcomes.filter((o) => !o.ok)).toHaveLength(8);
  });

  test('throttles and network errors do not split a chunk', async () => {
    const chunk = urls(8);
    const invoker = new SimulatedInvoker({ script: (c) => ({ fail: new InvokeError('unreachable', 'network', c.chunkId) }) });
    const { progress } = await collect([chunk], invoker, { chunkRetries: 1 });
    expect(progress).toMatchObject({ splits: 0, workerFailedUrls: 8, invocations: 2 });
  });
});

describe('bisect with real worker processes (LocalInvoker)', () => {
  const runId = `bisect-local-${process.pid}`;
  afterAll(() => fs.rmSync(markerDir(runId), { recursive: true, force: true }));

  test('a worker that SIGKILLs itself on the poison URL: the other 11 URLs of its chunk get records', async () => {
    const invoker = new LocalInvoker({ size: 2, workerModule: path.join(__dirname, 'fake-workers', 'scripted.ts'), workerExport: 'scriptedKill', childOutput: 'ignore' });
    const chunks = [urls(12, 'http://127.0.0.1/a'), urls(4, 'http://127.0.0.1/b')];
    const poison = 'http://127.0.0.1/poison';
    chunks[0]![5] = poison;
    try {
      const { outcomes, progress } = await collect(chunks, invoker, { runId, chunkRetries: 1, bisectRetries: 0 });
      expect(outcomes.map((o) => o.url).sort()).toStrictEqual(chunks.flat().sort());
      const failed = outcomes.filter((o) => !o.ok);
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatchObject({
        url: poison,
        error: {
          kind: 'worker-failed',
          message: expect.stringMatching(
            /^worker crashed on every try \(\d+\), also when this URL ran alone: worker process running chunk chunk-0a+b* was killed by SIGKILL$/,
          ),
        },
      });
      expect(progress.splits).toBeGreaterThanOrEqual(Math.ceil(Math.log2(12)) - 1);
      expect(progress.splits).toBeLessThanOrEqual(Math.ceil(Math.log2(12)));
    } finally {
      await invoker.close();
    }
  });
});

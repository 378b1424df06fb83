/**
 * The same failure cases through both back ends: LocalInvoker (child processes running a fake
 * worker that SIGKILLs itself) and LambdaInvoker (the real AWS SDK against the Lambda emulator on
 * 127.0.0.1, where the worker throws). Whatever happens, exactly one record per URL.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Outcome } from '../../core/contract';
import type { Invoker } from '../../orchestrator/invoker';
import { LambdaInvoker } from '../../orchestrator/invokers/lambda';
import { LocalInvoker } from '../../orchestrator/invokers/local';
import { RunAbortedError, runChunks } from '../../orchestrator/run';
import { startLambdaEmulator, type LambdaEmulator } from '../helpers/lambda-emulator';
import { markerDir, scriptedStream } from './fake-workers/scripted';

/** A chunk's timeout: the fake worker answers in well under a millisecond, a hang runs into this. */
const CHUNK_TIMEOUT_MS = 1500;

let emulator: LambdaEmulator;
beforeAll(async () => {
  emulator = await startLambdaEmulator({ functions: { worker: scriptedStream }, timeoutMs: CHUNK_TIMEOUT_MS });
});
afterAll(async () => {
  await emulator.close();
  for (let n = 1; n <= runs; n++) fs.rmSync(markerDir(runIdOf(n)), { recursive: true, force: true });
});

const lambda = (functionName = 'worker') =>
  new LambdaInvoker({ functionName, region: 'us-east-1', endpoint: emulator.endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, concurrency: 2 });
const local = () =>
  new LocalInvoker({
    size: 2,
    chunkTimeoutMs: CHUNK_TIMEOUT_MS,
    workerModule: path.join(__dirname, 'fake-workers', 'scripted.ts'),
    workerExport: 'scriptedKill',
    childOutput: 'ignore',
  });

const BACKENDS: [string, () => Invoker][] = [
  ['LocalInvoker (child processes)', local],
  ['LambdaInvoker (emulator)', () => lambda()],
];

/** 4 chunks of 4 URLs on 127.0.0.1; `special` replaces the second URL of the first chunk. */
function chunksWith(special?: string): string[][] {
  const chunks = Array.from({ length: 4 }, (_, k) => Array.from({ length: 4 }, (_, i) => `http://127.0.0.1/c${k}/u${i}`));
  if (special !== undefined) chunks[0]![1] = `http://127.0.0.1/${special}`;
  return chunks;
}

let runs = 0;
const runIdOf = (n: number) => `table-${process.pid}-${n}`;
async function run(invoker: Invoker, chunks: string[][]) {
  const runId = runIdOf(++runs);
  // Exact invocation counts per case: no speculative copies here.
  const r = runChunks(chunks, invoker, { runId, chunkRetries: 1, bisectRetries: 1, retryBaseDelayMs: 10, retryMaxDelayMs: 20, maxSpeculativeCopies: 0 });
  const outcomes: Outcome[] = [];
  try {
    for await (const outcome of r) outcomes.push(outcome);
  } finally {
    await invoker.close();
  }
  return { outcomes, progress: r.progress };
}

const byUrl = (outcomes: Outcome[]) => outcomes.map((o) => o.url).sort();

describe.each(BACKENDS)('%s', (_name, makeInvoker) => {
  test('all ok: one record per URL', async () => {
    const chunks = chunksWith();
    const { outcomes, progress } = await run(makeInvoker(), chunks);
    expect(byUrl(outcomes)).toStrictEqual(chunks.flat().sort());
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(progress).toMatchObject({ invocations: 4, invokeErrors: 0 });
  });

  test('a crash, then success on the retry', async () => {
    const chunks = chunksWith('crash-once');
    const { outcomes, progress } = await run(makeInvoker(), chunks);
    expect(byUrl(outcomes)).toStrictEqual(chunks.flat().sort());
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(progress).toMatchObject({ invocations: 5, invokeErrors: 1, retries: 1 });
  });

  test('a timeout, then success on the retry', async () => {
    const chunks = chunksWith('hang-once');
    const { outcomes, progress } = await run(makeInvoker(), chunks);
    expect(byUrl(outcomes)).toStrictEqual(chunks.flat().sort());
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(progress).toMatchObject({ invocations: 5, invokeErrors: 1 });
  });

  test('a partial result: the unstarted URLs are sent again', async () => {
    const chunks = chunksWith('partial-once');
    const { outcomes, progress } = await run(makeInvoker(), chunks);
    expect(byUrl(outcomes)).toStrictEqual(chunks.flat().sort());
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(progress).toMatchObject({ invocations: 5, requeuedUrls: 2, invokeErrors: 0 });
  });

  test('a poison URL: its chunk is split until it runs alone; only it gets worker-failed', async () => {
    const chunks = chunksWith('poison');
    const { outcomes, progress } = await run(makeInvoker(), chunks);
    expect(byUrl(outcomes)).toStrictEqual(chunks.flat().sort());
    const failed = outcomes.filter((o) => !o.ok);
    expect(failed).toStrictEqual([
      {
        url: 'http://127.0.0.1/poison',
        ok: false,
        attempts: 6,
        error: { kind: 'worker-failed', message: expect.stringContaining('worker crashed on every try (6), also when this URL ran alone') },
      },
    ]);
    // chunk-0 twice; chunk-0a (poison) twice + chunk-0b once; chunk-0aa once, chunk-0ab (poison) twice; 3 other chunks.
    expect(progress).toMatchObject({ splits: 2, invocations: 2 + 3 + 3 + 3, workerFailedUrls: 1 });
  });
});

test('LambdaInvoker: no such function stops the run at once with RunAbortedError (no retry per chunk)', async () => {
  const before = emulator.log.length;
  await expect(run(lambda('no-such-function'), chunksWith())).rejects.toThrow(RunAbortedError);
  const calls = emulator.log.slice(before);
  // At most the two invokes already in flight when the first answer came; none retried.
  expect(calls.length).toBeLessThanOrEqual(2);
  expect(calls.every((c) => c.status === 404)).toBe(true);
});

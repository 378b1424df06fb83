/**
 * A deployed worker whose stack forbids allowPrivate refuses such a chunk. Through the real SDK and
 * the Lambda API emulator, the run stops at the first refusal with a message that says how to allow
 * it, instead of retrying every chunk as a crash and writing worker-failed records.
 */
import '../helpers/quiet-powertools';
import type { Outcome } from '../../core/contract';
import type { streamChunk } from '../../functions/worker/lambda';
import { streamify } from '../../functions/worker/streamify';
import { chunkUrls } from '../../orchestrator/chunk';
import { classifyStreamError } from '../../orchestrator/invokers/lambda-errors';
import { LambdaInvoker, WorkerRefusedError } from '../../orchestrator/invokers/lambda';
import { RunAbortedError, runChunks } from '../../orchestrator/run';
import { fakeLambdaRuntime } from '../helpers/fake-lambda-runtime';
import { startLambdaEmulator, type LambdaEmulator } from '../helpers/lambda-emulator';

/** The deployed worker entry as a stack with `allowPrivate` off deploys it (FANOUT_ALLOW_PRIVATE=false at load). */
function forbiddingWorker() {
  const saved = process.env.FANOUT_ALLOW_PRIVATE;
  process.env.FANOUT_ALLOW_PRIVATE = 'false';
  try {
    let loaded: { streamChunk: typeof streamChunk } | undefined;
    jest.isolateModules(() => {
      loaded = require('../../functions/worker/lambda');
    });
    return streamify(loaded!.streamChunk, fakeLambdaRuntime);
  } finally {
    process.env.FANOUT_ALLOW_PRIVATE = saved;
  }
}

let emulator: LambdaEmulator;
let invoker: LambdaInvoker;
beforeAll(async () => {
  emulator = await startLambdaEmulator({ functions: { worker: forbiddingWorker() } });
  invoker = new LambdaInvoker({
    functionName: 'worker',
    region: 'us-east-1',
    endpoint: emulator.endpoint,
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    concurrency: 1,
  });
});
afterAll(async () => {
  await invoker.close();
  await emulator.close();
});

const urls = Array.from({ length: 30 }, (_, i) => `http://127.0.0.1:9/${i}`);

test('an allowPrivate chunk is refused with WorkerRefusedError, which says how to allow it', async () => {
  const invoke = invoker.invoke({ runId: 'r', chunkId: 'c1', urls: urls.slice(0, 2), options: { allowPrivate: true } });

  await expect(invoke).rejects.toThrow(WorkerRefusedError);
  await expect(invoke).rejects.toMatchObject({ chunkId: 'c1', errorType: 'PrivateNetworkForbiddenError', message: expect.stringMatching(/-c allowPrivate=true/) });
});

test('the run stops at the first refusal: no retries, no worker-failed records', async () => {
  const calls = emulator.log.length;
  const run = runChunks(chunkUrls(urls, 10), invoker, { scrape: { allowPrivate: true }, chunkRetries: 2 });
  const records: Outcome[] = [];

  const error = await (async () => {
    for await (const record of run) records.push(record);
  })().catch((e: unknown) => e);

  expect(error).toBeInstanceOf(RunAbortedError);
  expect((error as RunAbortedError).cause).toBeInstanceOf(WorkerRefusedError);
  expect((error as Error).message).toMatch(/^run stopped: the deployed worker refuses allowPrivate: .*-c allowPrivate=true/);
  expect(records).toStrictEqual([]);
  expect(emulator.log.length - calls).toBe(1);
});

test.each([
  ['ErrorCode is the error name', { ErrorCode: 'PrivateNetworkForbiddenError', ErrorDetails: 'the deployed worker refuses allowPrivate: …' }],
  [
    'the runtime document in ErrorDetails',
    { ErrorCode: 'Unhandled', ErrorDetails: JSON.stringify({ errorType: 'PrivateNetworkForbiddenError', errorMessage: 'the deployed worker refuses allowPrivate: …' }) },
  ],
])('a refusal is recognised whichever way InvokeComplete reports it: %s', (_name, complete) => {
  const error = classifyStreamError(complete, 'c9');
  expect(error).toBeInstanceOf(WorkerRefusedError);
  expect(error).toMatchObject({ chunkId: 'c9', errorType: 'PrivateNetworkForbiddenError', message: 'the deployed worker refuses allowPrivate: …' });
});

test('any other worker error is still a crash the run retries', () => {
  expect(classifyStreamError({ ErrorCode: 'InvalidEventError', ErrorDetails: 'invalid worker event: urls' }, 'c9')).toMatchObject({ reason: 'crashed' });
});

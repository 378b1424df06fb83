/**
 * Stopping a run: a failure no retry can fix (LambdaSetupError, any non-InvokeError rejection)
 * aborts it at once with RunAbortedError after in-flight chunks settle; a graceful stop cancels
 * in-flight chunks once `stopGraceMs` has passed.
 */
import type { Outcome } from '../../core/contract';
import { InvokeError } from '../../orchestrator/invoker';
import { LambdaSetupError } from '../../orchestrator/invokers/lambda-errors';
import { RunAbortedError, runChunks } from '../../orchestrator/run';
import { SimulatedInvoker } from '../helpers/simulated-invoker';

const chunks = (count: number, size: number) => Array.from({ length: count }, (_, k) => Array.from({ length: size }, (_, i) => `http://h.test/c${k}/u${i}`));

describe('a failure no retry can fix stops the run', () => {
  test.each([
    ['LambdaSetupError', new LambdaSetupError('cannot invoke fanout-worker: ResourceNotFoundException: Function not found', 'fanout-worker', 'ResourceNotFoundException')],
    ['a plain Error', new TypeError('invoker is closed')],
  ])('%s: no retry, in-flight chunks still yielded, then RunAbortedError carrying the cause', async (_name, cause) => {
    const invoker = new SimulatedInvoker({
      capacity: 3,
      script: (c) => (c.baseId === 'chunk-1' ? { fail: cause } : { delayMs: 20 }),
    });
    const run = runChunks(chunks(10, 2), invoker, { retryBaseDelayMs: 1 });
    const outcomes: Outcome[] = [];
    let thrown: unknown;
    try {
      for await (const outcome of run) outcomes.push(outcome);
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(RunAbortedError);
    const aborted = thrown as RunAbortedError;
    expect(aborted.cause).toBe(cause);
    expect(aborted.chunkId).toBe('chunk-1');
    expect(aborted.message).toBe(`run stopped: ${cause.message} (no retry can fix this; 16 URLs were not run)`);
    // chunk-0 and chunk-2 were in flight: they finish and are yielded; chunk-1 is not retried, nothing new starts.
    expect(invoker.calls.map((c) => c.chunkId)).toStrictEqual(['chunk-0', 'chunk-1', 'chunk-2']);
    expect(outcomes.map((o) => o.url).sort()).toStrictEqual([...chunks(10, 2)[0]!, ...chunks(10, 2)[2]!].sort());
    expect(run.progress).toMatchObject({ state: 'aborted', urlsDone: 4, abandonedUrls: 16, retries: 0 });
  });

  test('InvokeErrors are still retried (only other rejections abort)', async () => {
    const invoker = new SimulatedInvoker({ script: (c) => (c.attempt === 1 ? { fail: new InvokeError('x', 'network', c.chunkId) } : undefined) });
    const outcomes: Outcome[] = [];
    for await (const outcome of runChunks(chunks(2, 2), invoker, { retryBaseDelayMs: 1 })) outcomes.push(outcome);
    expect(outcomes).toHaveLength(4);
  });
});

describe('stopGraceMs', () => {
  test('after a graceful stop, in-flight chunks that outlast the grace are cancelled; those that finish in time are yielded', async () => {
    const stop = new AbortController();
    const invoker = new SimulatedInvoker({
      capacity: 3,
      script: (c) => (c.baseId === 'chunk-0' ? undefined : c.baseId === 'chunk-1' ? { delayMs: 10 } : { hang: true }),
    });
    const run = runChunks(chunks(6, 2), invoker, { stopSignal: stop.signal, stopGraceMs: 100 });
    const urls: string[] = [];
    for await (const outcome of run) {
      urls.push(outcome.url);
      stop.abort(); // the first outcome (chunk-0) arrives; chunk-1 finishes within the grace, chunk-2 hangs
    }
    expect(urls.sort()).toStrictEqual([...chunks(6, 2)[0]!, ...chunks(6, 2)[1]!].sort());
    expect(invoker.aborted).toStrictEqual(['chunk-2', 'chunk-3']);
    expect(run.progress).toMatchObject({ state: 'cancelled', urlsDone: 4, abandonedUrls: 8, chunksInFlight: 0 });
  });

  test('without stopGraceMs a graceful stop waits for in-flight chunks', async () => {
    const stop = new AbortController();
    const invoker = new SimulatedInvoker({ capacity: 2, script: (c) => (c.baseId === 'chunk-0' ? undefined : { delayMs: 150 }) });
    const run = runChunks(chunks(4, 1), invoker, { stopSignal: stop.signal });
    const urls: string[] = [];
    for await (const outcome of run) {
      urls.push(outcome.url);
      stop.abort();
    }
    expect(invoker.aborted).toStrictEqual([]);
    expect(run.progress).toMatchObject({ state: 'stopped', urlsDone: urls.length });
    expect(urls.length).toBeGreaterThanOrEqual(2);
  });

  test('rejects a negative grace', () => {
    expect(() => runChunks([], new SimulatedInvoker(), { stopGraceMs: -1 })).toThrow(RangeError);
  });
});

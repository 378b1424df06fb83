/**
 * LambdaInvoker through the real AWS SDK (signing, HTTP handler, event-stream decoding, error
 * deserialisation) against the local Lambda API emulator on 127.0.0.1, which answers
 * InvokeWithResponseStream with real `application/vnd.amazon.eventstream` framing. The handlers here
 * are deterministic streaming stand-ins so each case isolates one wire behaviour; lambda-e2e.test.ts
 * runs the real worker.
 */
import type { Writable } from 'node:stream';
import type { Outcome, WorkerEventInput } from '../../core/contract';
import type { StreamingHandler } from '../../functions/worker/streamify';
import { InvokeError } from '../../orchestrator/invoker';
import { LambdaInvoker, LambdaSetupError } from '../../orchestrator/invokers/lambda';
import { fakeLambdaRuntime } from '../helpers/fake-lambda-runtime';
import { startLambdaEmulator, type LambdaEmulatorOptions } from '../helpers/lambda-emulator';
import { makeEvent, ndjsonOf, resultFor, urlsOf } from './factories';

const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };
/** A streaming worker that answers `resultFor(event, linkBytes)`, writing `write` as it likes. */
const streaming = (write: (bytes: Buffer, stream: Writable) => void | Promise<void>, linkBytes = 0): StreamingHandler =>
  fakeLambdaRuntime.streamifyResponse(async (event, stream) => {
    await write(ndjsonOf(resultFor(event as WorkerEventInput, linkBytes)), stream);
    stream.end();
  });
const echo = streaming((bytes, stream) => void stream.write(bytes));

async function withEmulator<T>(
  options: Partial<LambdaEmulatorOptions>,
  concurrency: number,
  body: (invoker: LambdaInvoker, emulator: Awaited<ReturnType<typeof startLambdaEmulator>>) => Promise<T>,
): Promise<T> {
  const emulator = await startLambdaEmulator({ functions: { worker: echo }, ...options });
  const invoker = new LambdaInvoker({ functionName: 'worker', region: 'us-east-1', endpoint: emulator.endpoint, credentials, concurrency });
  try {
    return await body(invoker, emulator);
  } finally {
    await invoker.close();
    await emulator.close();
  }
}

async function invokeCollecting(invoker: LambdaInvoker, event: WorkerEventInput) {
  const records: Outcome[] = [];
  const error = await invoker
    .invoke(event, undefined, (r) => records.push(r))
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  return { records, error };
}

describe('LambdaInvoker against the Lambda API emulator (real SDK, real event-stream framing)', () => {
  test('success: the event goes out, every record streams back, the result is the end message', async () => {
    await withEmulator({}, 4, async (invoker, emulator) => {
      const event = makeEvent(urlsOf(3));
      const records: Outcome[] = [];
      const { outcomes, ...end } = resultFor(event);
      await expect(invoker.invoke(event, undefined, (r) => records.push(r))).resolves.toStrictEqual({ ...end, outcomes: [] });
      expect(records).toStrictEqual(outcomes);
      expect(emulator.log).toStrictEqual([{ n: 1, api: 'stream', functionName: 'worker', status: 200, urls: 3 }]);
    });
  });

  test('a worker that writes its lines in pieces, cutting UTF-8 characters, still yields whole records', async () => {
    const piecewise = streaming(async (bytes, stream) => {
      for (let at = 0; at < bytes.byteLength; at += 5) {
        stream.write(bytes.subarray(at, at + 5));
        await new Promise((resolve) => setImmediate(resolve)); // separate writes, so separate PayloadChunks
      }
    });
    await withEmulator({ functions: { worker: piecewise } }, 4, async (invoker) => {
      const event = makeEvent(urlsOf(3, 'http://127.0.0.1:9/é東🚀'));
      await expect(invoker.invoke(event)).resolves.toStrictEqual(resultFor(event));
    });
  });

  test.each([
    ['function error', 'crashed', 200, { kind: 'function-error', errorType: 'RangeError', errorMessage: 'bad' } as const],
    ['timeout', 'timeout', 200, { kind: 'timeout' } as const],
    ['throttle', 'throttled', 429, { kind: 'throttle', retryAfterSeconds: 3 } as const],
    ['service error', 'network', 500, { kind: 'service-error' } as const],
  ])('%s: InvokeError reason %s after exactly one HTTP attempt (the SDK does not retry)', async (_, reason, status, injection) => {
    await withEmulator({ inject: () => injection }, 4, async (invoker, emulator) => {
      const error = await invoker.invoke(makeEvent(urlsOf(2))).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvokeError);
      expect((error as InvokeError).reason).toBe(reason);
      if (reason === 'throttled') expect((error as InvokeError).retryAfterMs).toBe(3000);
      expect(emulator.log.map((c) => c.status)).toStrictEqual([status]);
    });
  });

  test('a worker killed after streaming 30 of 50 records: the 30 are delivered, then "crashed"', async () => {
    await withEmulator({ inject: () => ({ kind: 'crash-after', lines: 30 }) }, 4, async (invoker, emulator) => {
      const event = makeEvent(urlsOf(50));
      const { records, error } = await invokeCollecting(invoker, event);
      expect(records).toStrictEqual(resultFor(event).outcomes.slice(0, 30));
      expect(error).toMatchObject({ name: 'InvokeError', reason: 'crashed', message: expect.stringContaining('Runtime.ExitError') });
      expect(emulator.log[0]).toMatchObject({ status: 200, functionError: 'Runtime.ExitError' });
    });
  });

  test('a connection that drops mid-stream: the records before are delivered, then "network"', async () => {
    await withEmulator({ inject: () => ({ kind: 'cut-connection', lines: 7 }) }, 4, async (invoker) => {
      const event = makeEvent(urlsOf(20));
      const { records, error } = await invokeCollecting(invoker, event);
      expect(records).toStrictEqual(resultFor(event).outcomes.slice(0, 7));
      expect(error).toMatchObject({ name: 'InvokeError', reason: 'network' });
    });
  });

  test('a 10 MB answer, over the old 6 MB buffered limit, streams whole in one invocation', async () => {
    const big = streaming((bytes, stream) => void stream.write(bytes), 100_000);
    await withEmulator({ functions: { worker: big } }, 4, async (invoker, emulator) => {
      const event = makeEvent(urlsOf(90));
      const { records, error } = await invokeCollecting(invoker, event);
      expect(error).toBeUndefined();
      expect(Buffer.byteLength(JSON.stringify(records))).toBeGreaterThan(10 * 1024 * 1024);
      expect(records.map((r) => r.url)).toStrictEqual(event.urls);
      expect(emulator.log).toHaveLength(1);
      expect(invoker.stats.splits).toBe(0);
    });
  });

  test('an unknown function is a LambdaSetupError', async () => {
    await withEmulator({}, 4, async (_invoker, emulator) => {
      const invoker = new LambdaInvoker({ functionName: 'nope', region: 'us-east-1', endpoint: emulator.endpoint, credentials });
      await expect(invoker.invoke(makeEvent(urlsOf(1)))).rejects.toThrow(LambdaSetupError);
      await invoker.close();
    });
  });

  test('connection refused is InvokeError "network"', async () => {
    const emulator = await startLambdaEmulator({ functions: { worker: echo } });
    const endpoint = emulator.endpoint;
    await emulator.close();
    const invoker = new LambdaInvoker({ functionName: 'worker', region: 'us-east-1', endpoint, credentials });
    await expect(invoker.invoke(makeEvent(urlsOf(1)))).rejects.toMatchObject({ name: 'InvokeError', reason: 'network' });
    await invoker.close();
  });

  test('the HTTP agent is sized to the fan-out: 80 streams run at once, past the SDK default of 50 sockets', async () => {
    // Each invoke is held until all 80 have arrived, so they overlap however slowly they are sent.
    // An agent of 50 sockets would queue the other 30 behind held ones: the test would then hang
    // into the emulator's or jest's timeout and fail.
    const INVOKES = 80;
    let arrived = 0;
    let releaseAll!: () => void;
    const allArrived = new Promise<void>((resolve) => (releaseAll = resolve));
    const held = streaming(async (bytes, stream) => {
      if (++arrived === INVOKES) releaseAll();
      await allArrived;
      stream.write(bytes);
    });
    await withEmulator({ functions: { worker: held } }, INVOKES, async (invoker, emulator) => {
      await Promise.all(Array.from({ length: INVOKES }, (_, i) => invoker.invoke(makeEvent(urlsOf(1), { chunkId: `c${i}` }))));
      expect(emulator.peakConcurrency).toBe(INVOKES);
    });
  });
});

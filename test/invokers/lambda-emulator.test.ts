/**
 * LambdaInvoker through the real AWS SDK (signing, HTTP handler, error deserialisation) against the
 * local Invoke API emulator on 127.0.0.1. The handler here is a deterministic stand-in so each case
 * isolates one wire behaviour; lambda-e2e.test.ts runs the real worker handler.
 */
import { InvokeError } from '../../orchestrator/invoker';
import { LambdaInvoker, LambdaSetupError } from '../../orchestrator/invokers/lambda';
import { startLambdaEmulator, type LambdaEmulatorOptions } from '../helpers/lambda-emulator';
import { makeEvent, resultFor, urlsOf } from './factories';
import type { WorkerEventInput } from '../../core/contract';

const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };
const echo = async (event: unknown) => resultFor(event as WorkerEventInput);

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

describe('LambdaInvoker against the Invoke API emulator (real SDK)', () => {
  test('success round-trips the event and the result', async () => {
    await withEmulator({}, 4, async (invoker, emulator) => {
      const event = makeEvent(urlsOf(3));
      await expect(invoker.invoke(event)).resolves.toStrictEqual(resultFor(event));
      expect(emulator.log).toStrictEqual([{ n: 1, functionName: 'worker', status: 200, urls: 3 }]);
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

  test('responses over the limit are split on the wire until every half fits', async () => {
    // A 64 kB limit instead of 6 MB keeps the test fast; the splitting logic does not depend on the number.
    const bigEcho = async (event: unknown) => resultFor(event as WorkerEventInput, 3_000);
    await withEmulator({ functions: { worker: bigEcho }, maxResponseBytes: 64 * 1024 }, 8, async (invoker, emulator) => {
      const event = makeEvent(urlsOf(100));
      const result = await invoker.invoke(event);
      expect(result.outcomes.map((o) => o.url)).toStrictEqual(event.urls);
      expect(emulator.log.filter((c) => c.functionError === 'Function.ResponseSizeTooLarge').length).toBeGreaterThan(0);
      expect(Math.max(...emulator.log.filter((c) => !c.functionError).map((c) => c.urls ?? 0))).toBeLessThan(100);
    });
  });

  test('the HTTP agent is sized to the fan-out: 80 invokes run at once, past the SDK default of 50 sockets', async () => {
    // Each invoke is held until all 80 have arrived, so they overlap however slowly they are sent.
    // An agent of 50 sockets would queue the other 30 behind held ones: the test would then hang
    // into the emulator's or jest's timeout and fail.
    const INVOKES = 80;
    let arrived = 0;
    let releaseAll!: () => void;
    const allArrived = new Promise<void>((resolve) => (releaseAll = resolve));
    const heldEcho = async (event: unknown) => {
      if (++arrived === INVOKES) releaseAll();
      await allArrived;
      return resultFor(event as WorkerEventInput);
    };
    await withEmulator({ functions: { worker: heldEcho } }, INVOKES, async (invoker, emulator) => {
      await Promise.all(Array.from({ length: INVOKES }, (_, i) => invoker.invoke(makeEvent(urlsOf(1), { chunkId: `c${i}` }))));
      expect(emulator.peakConcurrency).toBe(INVOKES);
    });
  });
});

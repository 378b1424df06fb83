/**
 * End to end in Lambda mode: run.ts -> LambdaInvoker -> real AWS SDK (InvokeWithResponseStream,
 * event-stream decoding) -> the Lambda API emulator on loopback -> the deployed streaming worker
 * entry (functions/worker/lambda.ts) -> the demo site. The emulator injects function errors,
 * timeouts, 500s and throttling (429s past a reserved concurrency); every URL still gets exactly one record.
 */
import '../helpers/quiet-powertools';
import { streamChunk } from '../../functions/worker/lambda';
import { streamify } from '../../functions/worker/streamify';
import { chunkUrls } from '../../orchestrator/chunk';
import { LambdaInvoker } from '../../orchestrator/invokers/lambda';
import { runChunks } from '../../orchestrator/run';
import { startDemoSite, type DemoSite } from '../../demo/site';
import { fakeLambdaRuntime } from '../helpers/fake-lambda-runtime';
import { startLambdaEmulator, type Injection } from '../helpers/lambda-emulator';

/** The deployed worker entry, marked as the Node.js runtime marks it. */
const worker = streamify(streamChunk, fakeLambdaRuntime);

let site: DemoSite;
beforeAll(async () => {
  site = await startDemoSite({ pages: 400 });
});
afterAll(() => site.close());

const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };

async function runThroughEmulator(urls: string[], inject: (n: number) => Injection | undefined, reservedConcurrency?: number) {
  const emulator = await startLambdaEmulator({ functions: { worker }, inject: ({ n }) => inject(n), reservedConcurrency });
  const invoker = new LambdaInvoker({ functionName: 'worker', region: 'us-east-1', endpoint: emulator.endpoint, credentials, concurrency: 8, throttleCooldownMs: 50 });
  const started = Date.now();
  try {
    const run = runChunks(chunkUrls(urls, 20), invoker, { scrape: { allowPrivate: true }, retryBaseDelayMs: 10, retryMaxDelayMs: 50, chunkRetries: 3 });
    const records = [];
    for await (const outcome of run) records.push(outcome);
    return { records, progress: run.progress, emulator, stats: invoker.stats, ms: Date.now() - started };
  } finally {
    await invoker.close();
    await emulator.close();
  }
}

describe('Lambda mode end to end (emulator, real SDK, real worker handler)', () => {
  test('clean run: one successful record per URL', async () => {
    const urls = site.urls(400);
    const { records, ms, emulator } = await runThroughEmulator(urls, () => undefined);
    expect(records.map((r) => r.url).sort()).toStrictEqual([...urls].sort());
    expect(records.every((r) => r.ok)).toBe(true);
    expect(emulator.log.every((c) => c.api === 'stream')).toBe(true);
    console.log(`lambda mode via emulator: ${urls.length} pages in ${ms} ms (${Math.round((urls.length / ms) * 1000)} pages/s)`);
  });

  test('with injected function errors, timeouts, 500s and throttles: still exactly one record per URL', async () => {
    const urls = site.urls(300);
    const faults: Record<number, Injection> = {
      1: { kind: 'function-error', errorType: 'Error', errorMessage: 'injected crash' },
      2: { kind: 'throttle', retryAfterSeconds: 0 },
      3: { kind: 'timeout' },
      5: { kind: 'service-error' },
      8: { kind: 'throttle', retryAfterSeconds: 0 },
    };
    const { records, progress, emulator } = await runThroughEmulator(urls, (n) => faults[n], 4);
    expect(records.map((r) => r.url).sort()).toStrictEqual([...urls].sort());
    expect(records.every((r) => r.ok)).toBe(true);
    expect(progress.invokeErrors).toBeGreaterThanOrEqual(Object.keys(faults).length);
    expect(emulator.log.filter((c) => c.status === 429).length).toBeGreaterThanOrEqual(2);
  });
});

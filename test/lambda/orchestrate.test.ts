/**
 * The orchestrator function's core over several invocations: an in-memory ObjectStore stands in for
 * S3 (the S3ObjectStore adapter is a thin mapping), workers run through LambdaInvoker + emulator.
 * A tiny time budget forces the run across invocations via checkpoints, as a long list would.
 */
import type { Outcome } from '../../functions/worker/contract';
import { handler } from '../../functions/worker/handler';
import { checkpointKey, resultsKey, summaryKey, type Checkpoint } from '../../functions/orchestrator/checkpoint';
import { RunInputSchema, type ContinueInput } from '../../functions/orchestrator/input';
import { PreconditionFailedError, type ObjectStore } from '../../functions/orchestrator/object-store';
import { orchestrate, type OrchestrateDeps } from '../../functions/orchestrator/orchestrate';
import { LambdaInvoker } from '../../orchestrator/invokers/lambda';
import { startDemoSite, type DemoSite } from '../../demo/site';
import { startLambdaEmulator, type LambdaEmulator } from '../helpers/lambda-emulator';

class MemoryStore implements ObjectStore {
  readonly objects = new Map<string, { body: string; etag: string }>();
  private version = 0;
  async get(key: string) {
    return this.objects.get(key);
  }
  async put(key: string, body: string, condition: { ifMatch?: string; ifNoneMatch?: '*' } = {}) {
    const current = this.objects.get(key);
    if (condition.ifNoneMatch === '*' && current) throw new PreconditionFailedError(key);
    if (condition.ifMatch !== undefined && current?.etag !== condition.ifMatch) throw new PreconditionFailedError(key);
    const etag = `"v${++this.version}"`;
    this.objects.set(key, { body, etag });
    return etag;
  }
  async concat(keys: readonly string[], target: string) {
    await this.put(target, keys.map((k) => this.objects.get(k)!.body).join(''));
  }
}

let site: DemoSite;
let emulator: LambdaEmulator;
beforeAll(async () => {
  site = await startDemoSite({ pages: 200, latencyMs: 20 });
  emulator = await startLambdaEmulator({ functions: { worker: handler as never } });
});
afterAll(async () => {
  await emulator.close();
  await site.close();
});

function deps(store: MemoryStore, sent: ContinueInput[], budgetMs: number, requestId: string): OrchestrateDeps {
  const deadline = Date.now() + budgetMs;
  return {
    store,
    createInvoker: (concurrency) =>
      new LambdaInvoker({ functionName: 'worker', region: 'us-east-1', endpoint: emulator.endpoint, credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, concurrency }),
    remainingMs: () => deadline - Date.now(),
    workerTimeoutMs: 0,
    continueWith: async (event) => void sent.push(event),
    requestId,
    now: () => new Date('2025-01-02T03:04:05.678Z'),
  };
}

describe('orchestrate (the orchestrator function core)', () => {
  test('a list too long for one invocation finishes over several, one record per line, via checkpoints', async () => {
    const store = new MemoryStore();
    store.objects.set('lists/demo.txt', { body: [...site.urls(200), 'not a url', site.urls(1)[0]].join('\n'), etag: '"l"' });
    const input = RunInputSchema.parse({ schedule: 'demo', list: { s3Key: 'lists/demo.txt' }, options: { allowPrivate: true, chunkSize: 5, invokeConcurrency: 2 } });
    const sent: ContinueInput[] = [];
    // HANDOVER_MARGIN_MS is 30 s: a budget of 30.3 s leaves ~300 ms of scraping per invocation.
    let result = await orchestrate(input, deps(store, sent, 30_300, 'req0'));
    let invocations = 1;
    while (result.status === 'continued') {
      result = await orchestrate(sent.at(-1)!, deps(store, sent, 30_300, `req${invocations++}`));
    }

    expect(result.status).toBe('done');
    expect(invocations).toBeGreaterThan(1);
    const prefix = 'runs/demo/2025-01-02T03-04-05-678Z/';
    const records = store.objects.get(resultsKey(prefix))!.body.trim().split('\n').map((l) => JSON.parse(l) as Outcome);
    expect(records).toHaveLength(201);
    expect(new Set(records.map((r) => r.url)).size).toBe(201);
    expect(records.filter((r) => r.ok)).toHaveLength(200);
    const summary = JSON.parse(store.objects.get(summaryKey(prefix))!.body);
    expect(summary).toMatchObject({ records: 201, ok: 200, failed: 1, failedByKind: { 'invalid-url': 1 }, invocations: invocations, input: { duplicates: 1, invalid: 1 } });
  });

  test('a duplicated continuation (async invokes are at-least-once) is ignored: no record twice', async () => {
    const store = new MemoryStore();
    // 200 URLs in 40 chunks, 2 at a time, 20 ms each: at least 400 ms of work, twice the first budget's 200 ms.
    const input = RunInputSchema.parse({ schedule: 'dup', list: { urls: site.urls(200) }, options: { allowPrivate: true, chunkSize: 5, invokeConcurrency: 2 } });
    const sent: ContinueInput[] = [];
    let result = await orchestrate(input, deps(store, sent, 30_200, 'a'));
    expect(result.status).toBe('continued');
    const continuation = sent.at(-1)!;
    result = await orchestrate(continuation, deps(store, sent, 60_000, 'b'));
    const replay = await orchestrate(continuation, deps(store, sent, 60_000, 'c'));

    expect(result.status).toBe('done');
    expect(replay.status).toBe('stale');
    const checkpoint = JSON.parse(store.objects.get(checkpointKey(result.runPrefix))!.body) as Checkpoint;
    const lines = store.objects.get(resultsKey(result.runPrefix))!.body.trim().split('\n');
    expect(lines).toHaveLength(200);
    expect(new Set(lines.map((l) => (JSON.parse(l) as Outcome).url)).size).toBe(200);
    expect(checkpoint).toMatchObject({ done: true, pending: [] });
  });

  test('out of invocations: the remaining URLs get worker-failed records and the run ends', async () => {
    const store = new MemoryStore();
    const input = RunInputSchema.parse({ schedule: 'cap', list: { urls: site.urls(50) }, options: { allowPrivate: true, chunkSize: 5, invokeConcurrency: 1, maxInvocations: 1 } });
    const result = await orchestrate(input, deps(store, [], 30_050, 'x'));
    expect(result).toMatchObject({ status: 'done', counts: { records: 50 } });
    expect(result.status === 'done' && (result.counts.failedByKind['worker-failed'] ?? 0)).toBeGreaterThan(0);
  });
});

/**
 * A continuation reads its checkpoint back from `runs/`, which anyone who may write that prefix can
 * change. It must refuse a checkpoint that is not valid, is another run's, or was changed after the
 * previous invocation wrote it, with an error that says which, and write nothing for the run.
 */
import { RunInputSchema, type ContinueInput } from '../../core/schedule-input';
import { checkpointKey, resultsKey } from '../../functions/scheduled-run/checkpoint';
import { CheckpointMismatchError, InvalidCheckpointError } from '../../functions/scheduled-run/checkpoint-errors';
import { orchestrate } from '../../functions/scheduled-run/orchestrate';
import { startLambdaEmulator, type LambdaEmulator } from '../helpers/lambda-emulator';
import { invocationDeps, MemoryStore } from '../helpers/scheduled-run';
import { streamingWorker } from '../helpers/streamed-invoke';

let emulator: LambdaEmulator;
beforeAll(async () => {
  emulator = await startLambdaEmulator({ functions: { worker: streamingWorker() } });
});
afterAll(async () => {
  await emulator.close();
});

/** 50 loopback URLs with allowPrivate off: each is a `blocked` record at once, no fetch needed. */
const urls = Array.from({ length: 50 }, (_, i) => `http://127.0.0.1:9/page/${i}`);

/** A run started from `lists/trust.txt` that has handed over to a continuation, and that continuation. */
async function handedOver() {
  const store = new MemoryStore();
  store.objects.set('lists/trust.txt', { body: urls.join('\n'), etag: '"l"' });
  store.objects.set('lists/secret.txt', { body: 'another team’s list\n', etag: '"s"' });
  const input = RunInputSchema.parse({ schedule: 'trust', list: { s3Key: 'lists/trust.txt' }, options: { robots: 'ignore', chunkSize: 5, invokeConcurrency: 2 } });
  const sent: ContinueInput[] = [];
  // Chunks start 100 virtual ms apart: the stop comes at the second start, 10 chunks in all.
  const first = await orchestrate(input, invocationDeps(store, sent, 200, 'a', { endpoint: emulator.endpoint, workerTimeoutMs: 1_000 }));
  expect(first.status).toBe('continued');
  return { store, sent, continuation: sent.at(-1)! };
}

type Tamper = (checkpoint: Record<string, unknown>) => unknown;

describe('a continuation refuses a checkpoint it cannot trust', () => {
  test('the continuation event pins the checkpoint: run prefix, generation, run id, list and SHA-256', async () => {
    const { continuation } = await handedOver();
    expect(continuation).toStrictEqual({
      continue: {
        runPrefix: 'runs/trust/2025-01-02T03-04-05-678Z/',
        generation: 1,
        runId: 'trust-1735787045678',
        listKey: 'lists/trust.txt',
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    });
  });

  it.each<[string, Tamper, new (...args: never[]) => Error, RegExp]>([
    ['allowPrivate switched on', (c) => ({ ...c, settings: { ...(c.settings as object), allowPrivate: true } }), CheckpointMismatchError, /content changed .*SHA-256/],
    [
      'a lists/ object added to its parts',
      (c) => ({ ...c, parts: [...(c.parts as string[]), 'lists/secret.txt'] }),
      InvalidCheckpointError,
      /parts\.\d+: must be a part of this run/,
    ],
    [
      'another run’s part added',
      (c) => ({ ...c, parts: [...(c.parts as string[]), 'runs/other/x/parts/00001.jsonl'] }),
      InvalidCheckpointError,
      /parts\.\d+: must be a part of this run/,
    ],
    ['another run id', (c) => ({ ...c, runId: 'trust-1' }), CheckpointMismatchError, /runId is "trust-1", but this run's is "trust-1735787045678"/],
    ['another list', (c) => ({ ...c, listKey: 'lists/secret.txt' }), CheckpointMismatchError, /listKey is "lists\/secret.txt", but this run's is "lists\/trust.txt"/],
    ['an unknown field', (c) => ({ ...c, extra: true }), InvalidCheckpointError, /Unrecognized key/],
    ['a version 1 checkpoint', (c) => ({ ...c, version: 1 }), InvalidCheckpointError, /version: /],
    ['not JSON', () => undefined, InvalidCheckpointError, /not JSON/],
  ])('%s: refused, and nothing is written for the run', async (_name, tamper, type, message) => {
    const { store, sent, continuation } = await handedOver();
    const key = checkpointKey(continuation.continue.runPrefix);
    const stored = store.objects.get(key)!;
    const tampered = tamper(JSON.parse(stored.body) as Record<string, unknown>);
    store.objects.set(key, { body: tampered === undefined ? '{"version":' : JSON.stringify(tampered), etag: '"tampered"' });
    const before = new Map(store.objects);

    const run = orchestrate(continuation, invocationDeps(store, sent, 60_000, 'b', { endpoint: emulator.endpoint }));

    await expect(run).rejects.toThrow(type);
    await expect(run).rejects.toThrow(message);
    expect(store.objects).toStrictEqual(before);
    expect(store.objects.has(resultsKey(continuation.continue.runPrefix))).toBe(false);
    expect(sent).toStrictEqual([continuation]);
  });

  test('the mismatch error carries what mismatched', async () => {
    const { store, sent, continuation } = await handedOver();
    const key = checkpointKey(continuation.continue.runPrefix);
    store.objects.set(key, { body: store.objects.get(key)!.body.replace('"runId":"trust-1735787045678"', '"runId":"trust-2"'), etag: '"tampered"' });

    const error = await orchestrate(continuation, invocationDeps(store, sent, 60_000, 'b', { endpoint: emulator.endpoint })).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CheckpointMismatchError);
    expect(error).toMatchObject({ code: 'FANOUT_CHECKPOINT_MISMATCH', field: 'runId', expected: 'trust-1735787045678', actual: 'trust-2', key });
  });

  test('an untouched checkpoint is trusted: the run finishes', async () => {
    const { store, sent, continuation } = await handedOver();
    const result = await orchestrate(continuation, invocationDeps(store, sent, 60_000, 'b', { endpoint: emulator.endpoint }));
    expect(result).toMatchObject({ status: 'done', counts: { records: 50, failedByKind: { blocked: 50 } } });
  });
});

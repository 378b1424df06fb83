/**
 * The orchestrator fetches robots.txt itself, so it obeys the stack's allowPrivate switch as the
 * worker does: a run asking for allowPrivate on a stack that forbids it is refused before anything
 * is read or fetched, and a run started before the switch went off stops at its next continuation.
 */
import { PrivateNetworkForbiddenError } from '../../core/deploy';
import { RunInputSchema, type ContinueInput } from '../../core/schedule-input';
import { orchestrate } from '../../functions/scheduled-run/orchestrate';
import { startCountingSite, type CountingSite } from '../helpers/counting-site';
import { startLambdaEmulator, type LambdaEmulator } from '../helpers/lambda-emulator';
import { invocationDeps, MemoryStore } from '../helpers/scheduled-run';
import { streamingWorker } from '../helpers/streamed-invoke';

let emulator: LambdaEmulator;
let site: CountingSite;
beforeAll(async () => {
  emulator = await startLambdaEmulator({ functions: { worker: streamingWorker() } });
  site = await startCountingSite({ latencyMs: 1, robotsTxt: 'User-agent: *\nAllow: /\n' });
});
afterAll(async () => {
  await emulator.close();
  await site.close();
});

const input = () => RunInputSchema.parse({ schedule: 'intranet', list: { urls: site.urls(20) }, options: { allowPrivate: true, chunkSize: 5, invokeConcurrency: 1 } });

test('a run asking for allowPrivate is refused where the stack forbids it, before robots.txt is fetched or anything written', async () => {
  const store = new MemoryStore();
  const sent: ContinueInput[] = [];

  const run = orchestrate(input(), invocationDeps(store, sent, 60_000, 'a', { endpoint: emulator.endpoint, allowPrivate: false }));

  await expect(run).rejects.toThrow(PrivateNetworkForbiddenError);
  await expect(run).rejects.toMatchObject({ refusedBy: 'orchestrator', message: expect.stringMatching(/-c allowPrivate=true/) });
  expect(site.robotsRequests()).toBe(0);
  expect(store.objects.size).toBe(0);
  expect(sent).toStrictEqual([]);
});

test('a run started while the stack allowed it stops at its next continuation once the switch is off', async () => {
  const store = new MemoryStore();
  const sent: ContinueInput[] = [];
  const first = await orchestrate(input(), invocationDeps(store, sent, 100, 'a', { endpoint: emulator.endpoint, workerTimeoutMs: 1_000 }));
  expect(first.status).toBe('continued');

  const next = orchestrate(sent.at(-1)!, invocationDeps(store, sent, 60_000, 'b', { endpoint: emulator.endpoint, allowPrivate: false }));

  await expect(next).rejects.toThrow(PrivateNetworkForbiddenError);
  expect(sent).toHaveLength(1);
});

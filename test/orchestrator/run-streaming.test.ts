/**
 * Records move per URL, not per chunk: through a real LocalInvoker (worker child processes), a
 * record streamed before its worker dies is kept, and only the URLs without one run again.
 */
import path from 'node:path';
import type { Outcome, WorkerEventInput, WorkerResult } from '../../core/contract';
import type { Invoker } from '../../orchestrator/invoker';
import { LocalInvoker } from '../../orchestrator/invokers/local';
import { HostBudget } from '../../orchestrator/host-budget';
import { okOutcome } from '../invokers/factories';
import { runChunks } from '../../orchestrator/run';

const FAKE = path.join(__dirname, '../helpers/fake-workers/echo.ts');

let invoker: LocalInvoker;
beforeAll(() => {
  invoker = new LocalInvoker({ size: 1, workerModule: FAKE, workerExport: 'streamThenCrash' });
});
afterAll(() => invoker.close());

it('keeps the 30 records a worker streamed before it died, and runs only the other 20 again', async () => {
  const urls = Array.from({ length: 50 }, (_, i) => `http://a.test/${i}`);
  const sent: string[][] = [];
  const watched: Invoker = {
    capacity: invoker.capacity,
    close: async () => {},
    invoke: (event: WorkerEventInput, signal?: AbortSignal, onRecord?: (record: Outcome) => void) => {
      sent.push([...event.urls]);
      return invoker.invoke(event, signal, onRecord);
    },
  };
  const run = runChunks([urls], watched, { chunkRetries: 2, retryBaseDelayMs: 0, bisect: false });
  const outcomes: Outcome[] = [];
  for await (const outcome of run) outcomes.push(outcome);

  expect(outcomes.map((o) => o.url).sort()).toStrictEqual([...urls].sort());
  expect(sent).toStrictEqual([urls, urls.slice(30)]);
  // The first 30 came from the process that died, the rest from its replacement.
  const pids = outcomes.map((o) => (o.ok ? o.title : null));
  expect(new Set(pids.slice(0, 30)).size).toBe(1);
  expect(new Set(pids.slice(30)).size).toBe(1);
  expect(pids[0]).not.toBe(pids[30]);
  expect(run.progress).toMatchObject({ state: 'done', invocations: 2, invokeErrors: 1, urlsDone: 50, workerFailedUrls: 0 });
});

describe('the per-host budget is work-conserving', () => {
  const HOST = 'a.test:80';

  it('hands the slots a hanging URL’s chunk-mates give back to the running chunk that has the host’s URLs', async () => {
    const hang = 'http://a.test/hang';
    const first = [hang, ...Array.from({ length: 5 }, (_, i) => `http://a.test/f${i}`)];
    const second = Array.from({ length: 10 }, (_, i) => `http://a.test/s${i}`);
    const raised: [string, Readonly<Record<string, number>>][] = [];
    const limitAtStart: Record<string, number | undefined> = {};
    /** chunk-1 answers only once it may run 3 at once; chunk-0's hanging URL only after that. */
    let secondMay3 = () => {};
    const fake: Invoker = {
      capacity: 2,
      close: async () => {},
      raiseHostLimits: (chunkId, hostLimits) => {
        raised.push([chunkId, hostLimits]);
        if (chunkId === 'chunk-1' && (hostLimits[HOST] ?? 0) >= 3) secondMay3();
        return true;
      },
      invoke(event, signal, onRecord) {
        limitAtStart[event.chunkId] = event.options?.hostLimits?.[HOST];
        const end = (resolve: (r: WorkerResult) => void) =>
          resolve({ runId: event.runId, chunkId: event.chunkId, outcomes: [], unstarted: [], stats: { ok: 0, failed: 0, bytes: 0, ms: 0 } });
        return new Promise((resolve, reject) => {
          signal?.addEventListener('abort', () => reject(signal.reason));
          if (event.chunkId === 'chunk-0') {
            setTimeout(() => {
              for (const url of first.slice(1)) onRecord?.(okOutcome(url)); // its fast URLs end: it needs 1 slot now
            }, 5);
            const answerHang = () => {
              onRecord?.(okOutcome(hang));
              end(resolve);
            };
            const previous = secondMay3;
            secondMay3 = () => {
              previous();
              setTimeout(answerHang, 5);
            };
          } else {
            const run = () => {
              for (const url of event.urls) onRecord?.(okOutcome(url));
              setTimeout(() => end(resolve), 1);
            };
            const previous = secondMay3;
            secondMay3 = () => {
              previous();
              run();
            };
          }
        });
      },
    };
    const budget = new HostBudget({ perHost: 4, maxSlotsPerChunk: 64, maxHolders: 2 });
    const run = runChunks([first, second], fake, { hostBudget: budget, maxSpeculativeCopies: 0 });
    const fallback = setTimeout(() => secondMay3(), 5_000); // without the top-up the test ends here and fails below
    const outcomes: Outcome[] = [];
    for await (const outcome of run) outcomes.push(outcome);
    clearTimeout(fallback);

    expect(outcomes).toHaveLength(16);
    expect(limitAtStart['chunk-0']).toBe(4); // alone at first: the whole budget
    // Once chunk-0 needs 1 slot, chunk-1 gets a fair 2 of the 3 free, then the third as a top-up.
    expect(raised).toContainEqual(['chunk-1', { [HOST]: 3 }]);
    expect(budget.state(HOST).inUse).toBe(0);
  });
});

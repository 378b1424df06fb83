/**
 * Records move per URL, not per chunk: through a real LocalInvoker (worker child processes), a
 * record streamed before its worker dies is kept, and only the URLs without one run again.
 */
import path from 'node:path';
import type { Outcome, WorkerEventInput } from '../../core/contract';
import type { Invoker } from '../../orchestrator/invoker';
import { LocalInvoker } from '../../orchestrator/invokers/local';
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

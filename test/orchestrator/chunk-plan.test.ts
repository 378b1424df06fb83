/** Chunk sizes are planned per worker: a back end whose workers each run several chunks at once keeps a worker's chunks as large. */
import { ScrapeOptionsSchema, type WorkerEventInput, type WorkerResult } from '../../core/contract';
import type { Invoker } from '../../orchestrator/invoker';
import { resultFor } from '../invokers/factories';
import { runUrls } from '../../orchestrator/run-urls';

/** Answers every URL at once (no network: robots are ignored) and notes each chunk's size. */
function recordingInvoker(capacity: number, workers?: number): Invoker & { sizes: number[] } {
  const sizes: number[] = [];
  return {
    capacity,
    workers,
    sizes,
    async invoke(event: WorkerEventInput): Promise<WorkerResult> {
      sizes.push(event.urls.length);
      return resultFor(event);
    },
    async close() {},
  };
}

const urls = Array.from({ length: 1000 }, (_, i) => `http://h${i % 16}.test/p${i}`);
const scrape = ScrapeOptionsSchema.parse({});

test.each([
  ['one worker running one chunk at a time', 1, undefined, 250],
  ['one worker running two chunks at once', 2, 1, 250],
  ['two single-chunk workers', 2, undefined, 125],
])('%s', async (_name, capacity, workers, size) => {
  const invoker = recordingInvoker(capacity, workers);
  let records = 0;
  await runUrls(urls, { invoker, scrape, robots: 'ignore' }, async () => {
    records++;
  });
  expect(records).toBe(1000);
  expect(Math.max(...invoker.sizes)).toBe(size);
});

/**
 * Not a test: measures a run over one loopback host, `npx tsx test/helpers/measure-per-host.ts [urls] [latencyMs] [workers] [perHost...]`.
 * Prints wall time, pages/s, the most requests in flight the server saw, and invocations.
 */
import { chunkUrls, defaultChunkSize } from '../../orchestrator/chunk';
import { LocalInvoker } from '../../orchestrator/invokers/local';
import { preparePoliteness } from '../../orchestrator/politeness';
import { runChunks } from '../../orchestrator/run';
import { startCountingSite } from './counting-site';

async function main() {
  const [count = 1000, latencyMs = 50, workers = 2, ...perHosts] = process.argv.slice(2).map(Number);
  const invoker = new LocalInvoker({ size: workers });
  try {
    // Warm the children (tsx compile, module load) so the numbers are the run's, not start-up's.
    const warm = await startCountingSite({ latencyMs: 1 });
    for await (const _ of runChunks(chunkUrls(warm.urls(workers * 2), 1), invoker, { scrape: { allowPrivate: true } }));
    await warm.close();
    for (const perHost of perHosts.length > 0 ? perHosts : [8, 64]) {
      const site = await startCountingSite({ latencyMs });
      const polite = await preparePoliteness(site.urls(count), {
        robots: 'obey',
        perHost,
        workerConcurrency: 64,
        chunkConcurrency: Number(process.env.HOLDERS ?? workers),
        allowPrivate: true,
      });
      const chunks = chunkUrls(polite.allowed, defaultChunkSize(polite.allowed.length, workers));
      const started = performance.now();
      const run = runChunks(chunks, invoker, { scrape: { allowPrivate: true, perHost }, hostBudget: polite.budget });
      let ok = 0;
      for await (const outcome of run) if (outcome.ok) ok++;
      const secs = (performance.now() - started) / 1000;
      const ideal = (count / Math.min(perHost, 64 * workers)) * (latencyMs / 1000);
      console.log(
        `perHost ${perHost}: ${ok}/${count} ok in ${secs.toFixed(2)} s = ${(count / secs).toFixed(0)} pages/s ` +
          `(ideal ${ideal.toFixed(2)} s), server max in flight ${site.maxInFlight()}, ${chunks.length} chunks, ${run.progress.invocations} invocations`,
      );
      await site.close();
    }
  } finally {
    await invoker.close();
  }
}
void main();

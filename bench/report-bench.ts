/**
 * Measures the report on a big results file: writes N sample records (default 1,000,000) to the
 * OS temp directory (once: an existing file is reused, so the second run measures a process that did
 * nothing but the report), builds and renders the report, and prints sizes, time and peak RSS.
 * Not a test: timings vary by machine.
 *
 *   npx tsx bench/report-bench.ts [lines] [--clean]   (--clean deletes the file after)
 */
import { createWriteStream } from 'node:fs';
import { access, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { sampleRecords } from '../scripts/sample-results';
import { writeReport } from '../report/write-report';

async function main(): Promise<void> {
  const count = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 1_000_000);
  const results = path.join(os.tmpdir(), `fanout-bench-${count}.jsonl`);
  const html = path.join(os.tmpdir(), `fanout-bench-${count}.html`);
  const generated = await access(results).then(
    () => false,
    () => generate(results, count).then(() => true),
  );
  const inputBytes = (await stat(results)).size;
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  const started = performance.now();
  const { bytes, data } = await writeReport(results, html);
  const elapsedMs = performance.now() - started;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
  console.log(
    JSON.stringify(
      {
        lines: count,
        records: data.totals.records,
        inputSize: mib(inputBytes),
        reportSize: `${(bytes / 1024).toFixed(1)} KiB`,
        buildAndRenderMs: Math.round(elapsedMs),
        linesPerSec: Math.round(count / (elapsedMs / 1000)),
        rssBefore: mib(rssBefore),
        peakRss: mib(peakRss),
        processMaxRss: mib(process.resourceUsage().maxRSS * 1024),
        note: generated ? 'this process also generated the file: run again for a clean peak RSS' : undefined,
        report: html,
      },
      null,
      2,
    ),
  );
  if (process.argv.includes('--clean')) await rm(results, { force: true });
}

async function generate(file: string, count: number): Promise<void> {
  const out = createWriteStream(file);
  for (const record of sampleRecords({ count, seed: 5, hosts: 2000 })) {
    if (!out.write(JSON.stringify(record) + '\n')) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});

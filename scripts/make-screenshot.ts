/**
 * Regenerates docs/report.png, the README's picture of a report, from a deterministic fixture:
 * a 1,000-URL Lambda run with failures, a stall and a straggling tail.
 *
 *   npx tsx scripts/make-screenshot.ts [out.png]
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { findChromium, screenshotReport } from './chromium-screenshot';
import { sampleRecords } from './sample-results';
import { buildReportFromFile } from '../report/build-report';
import { renderReport } from '../report/render/render-report';

/** The top of the page: verdict, headline, outcomes and both charts. */
const SCREENSHOT = { widthPx: 1100, heightPx: 1500 };

async function main(): Promise<void> {
  const out = path.resolve(process.argv[2] ?? path.join(__dirname, '..', '..', 'docs', 'report.png'));
  const chromium = findChromium();
  if (!chromium) throw new Error('no Chromium at /usr/bin/chromium: apt-get install chromium, or set FANOUT_CHROMIUM');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fanout-screenshot-'));
  try {
    const results = path.join(dir, 'results.jsonl');
    const records = [...sampleRecords({ count: 1000, seed: 42 })];
    await writeFile(results, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const summaryPath = path.join(dir, 'summary.json');
    const summary = {
      runId: 'demo-2025-06-01',
      mode: 'lambda',
      startedAt: '2025-06-01T09:30:00.000Z',
      wallMs: records[records.length - 1]!.at + 150,
      counts: { urls: 1012, duplicates: 12 },
      options: { concurrency: 64, perHost: 8, timeoutMs: 30_000, retries: 2, chunkSize: 50 },
      lambda: { memoryMb: 1024, billedMs: 96_400, invocations: 21, architecture: 'arm64' },
    };
    await writeFile(summaryPath, JSON.stringify(summary));
    const html = path.join(dir, 'report.html');
    const data = await buildReportFromFile(results, { summaryPath, top: 10 });
    // Show the names a user would type, not this temp directory, so the picture is the same every time.
    data.source.resultsPath = 'results.jsonl';
    data.source.summaryPath = 'summary.json';
    await writeFile(html, renderReport(data));
    const shot = await screenshotReport(html, out, { executablePath: chromium, ...SCREENSHOT });
    if (shot.consoleErrors.length > 0) throw new Error(`console errors: ${shot.consoleErrors.join('; ')}`);
    console.log(`wrote ${out}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});

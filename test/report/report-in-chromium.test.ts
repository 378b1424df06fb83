/**
 * End to end: a 1,000-URL run with failures -> results file -> `writeReport` -> the HTML opened
 * from disk in a real headless Chromium, which must render it without console errors or network
 * requests. The screenshot lands in test-output/report.png for a person to look at.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { findChromium, screenshotReport } from '../../scripts/chromium-screenshot';
import { sampleRecords } from '../../scripts/sample-results';
import { writeReport } from '../../report/write-report';

const chromium = findChromium();
if (!chromium) {
  console.warn('SKIPPED report-in-chromium: no Chromium at /usr/bin/chromium (apt-get install chromium, or set FANOUT_CHROMIUM).');
}
const testInChromium = chromium ? it : it.skip;

const OUTPUT_DIR = path.join(__dirname, '..', '..', 'test-output');

describe('report in a real browser', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'fanout-report-e2e-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  testInChromium('renders a 1,000-URL run with failures, offline and without console errors', async () => {
    const results = path.join(dir, 'results.jsonl');
    const lines = [...sampleRecords({ count: 1000, seed: 11 })].map((r) => JSON.stringify(r));
    lines.splice(400, 0, 'this line is not JSON');
    await writeFile(results, lines.join('\n') + '\n');
    const summaryPath = path.join(dir, 'summary.json');
    await writeFile(summaryPath, JSON.stringify({ runId: 'e2e', mode: 'local', wallMs: 5000, counts: { duplicates: 3 } }));
    const html = path.join(dir, 'report.html');
    await writeReport(results, html, { summaryPath });
    await mkdir(OUTPUT_DIR, { recursive: true });
    const png = path.join(OUTPUT_DIR, 'report.png');

    const shot = await screenshotReport(html, png, { executablePath: chromium! });

    expect(shot.consoleErrors).toStrictEqual([]);
    expect(shot.externalRequests).toStrictEqual([]);
    expect(shot.pageHeightPx).toBeGreaterThan(1000); // laid out, not a blank page
    const header = (await readFile(png)).subarray(0, 8);
    expect(header.toString('hex')).toBe('89504e470d0a1a0a');
  });
});

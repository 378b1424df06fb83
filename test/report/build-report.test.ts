import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildReportFromFile } from '../../report/build-report';
import { ReportInputError } from '../../report/errors';
import { writeReport } from '../../report/write-report';
import { failOutcome, okOutcome } from './factories';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'fanout-report-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function writeLines(name: string, lines: string[], eol = '\n'): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, lines.join(eol) + eol);
  return file;
}

describe('buildReportFromFile', () => {
  it('reads records line by line, skipping blank lines and counting bad ones with their line numbers', async () => {
    const results = await writeLines(
      'results.jsonl',
      [
        JSON.stringify(okOutcome()),
        '',
        '{"url": "https://a.example/", "ok": tru',
        JSON.stringify({ url: 'https://a.example/', ok: false }),
        JSON.stringify(failOutcome('dns')),
      ],
      '\r\n',
    );
    const data = await buildReportFromFile(results);
    expect(data.totals).toMatchObject({ records: 2, ok: 1, failed: 1 });
    expect(data.badLines.count).toBe(2);
    expect(data.badLines.examples.map((b) => [b.line, b.reason.split(':')[0]])).toStrictEqual([
      [3, 'not JSON'],
      [4, 'not a record'],
    ]);
    expect(data.badLines.examples[1]!.reason).toMatch(/error/);
  });

  it('merges the summary when given, and reports a missing one instead of failing', async () => {
    const results = await writeLines('results.jsonl', [JSON.stringify(okOutcome())]);
    const summaryPath = path.join(dir, 'summary.json');
    await writeFile(summaryPath, JSON.stringify({ runId: 'r9', wallMs: 2000 }));

    const withSummary = await buildReportFromFile(results, { summaryPath });
    const missing = await buildReportFromFile(results, { summaryPath: path.join(dir, 'nope.json') });

    expect([withSummary.run.runId, withSummary.wallMs, withSummary.source.summaryError]).toStrictEqual(['r9', 2000, null]);
    expect(missing.source.summaryError).toMatch(/cannot read .*nope\.json/);
    expect(missing.totals.records).toBe(1);
  });

  it('throws ReportInputError only when the results file cannot be read', async () => {
    await expect(buildReportFromFile(path.join(dir, 'missing.jsonl'))).rejects.toThrow(ReportInputError);
  });
});

describe('writeReport', () => {
  it('writes the HTML and returns its size', async () => {
    const results = await writeLines('results.jsonl', [JSON.stringify(okOutcome()), JSON.stringify(failOutcome('tls'))]);
    const out = path.join(dir, 'report.html');
    const { bytes, data } = await writeReport(results, out, { top: 5 });
    expect((await stat(out)).size).toBe(bytes);
    expect(data.top).toBe(5);
    expect(await readFile(out, 'utf8')).toMatch(/^<!doctype html>.*tls/s);
  });
});

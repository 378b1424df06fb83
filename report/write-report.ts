/** The one-call convenience for the CLI: results file in, HTML report file out. */
import { writeFile } from 'node:fs/promises';
import { type BuildReportOptions, buildReportFromFile } from './build-report';
import type { ReportData } from './report-data';
import { renderReport } from './render/render-report';

/**
 * Builds the report for `resultsPath` and writes it to `outPath` as one self-contained HTML file.
 * Resolves with the data and the size of the file written.
 */
export async function writeReport(resultsPath: string, outPath: string, opts: BuildReportOptions = {}): Promise<{ data: ReportData; bytes: number }> {
  const data = await buildReportFromFile(resultsPath, opts);
  const html = renderReport(data);
  await writeFile(outPath, html, 'utf8');
  return { data, bytes: Buffer.byteLength(html) };
}

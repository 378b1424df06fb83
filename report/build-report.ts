/** Builds report data from a results file on disk (and, optionally, the run's summary.json). */
import { readFile } from 'node:fs/promises';
import { type ReportAggregatorOptions, ReportAggregator, type ReportSource } from './report-aggregator';
import type { ReportData } from './report-data';
import { readResultsInto } from './read-results';
import { parseRunSummary, type ReportSummary } from './read-summary';

export interface BuildReportOptions extends ReportAggregatorOptions {
  /** The run's summary.json: wall time, duplicates, options, Lambda billing, timeline. */
  summaryPath?: string;
}

/**
 * Reads `resultsPath` as a stream and aggregates it. A missing or malformed summary is reported in
 * `source.summaryError`, not thrown; only an unreadable results file throws (`ReportInputError`).
 */
export async function buildReportFromFile(resultsPath: string, opts: BuildReportOptions = {}): Promise<ReportData> {
  const { summaryPath, ...aggregatorOptions } = opts;
  const source: ReportSource = { resultsPath };
  let summary: ReportSummary | undefined;
  if (summaryPath !== undefined) {
    source.summaryPath = summaryPath;
    const loaded = await loadSummary(summaryPath);
    if ('error' in loaded) source.summaryError = loaded.error;
    else summary = loaded.summary;
  }
  const startedAtMs = summary?.startedAt === undefined ? undefined : Date.parse(summary.startedAt);
  const aggregator = new ReportAggregator({ startedAtMs: Number.isFinite(startedAtMs) ? startedAtMs : undefined, ...aggregatorOptions });
  await readResultsInto(resultsPath, aggregator);
  return aggregator.finish(summary, source);
}

/** Reads and parses summary.json; an unreadable or malformed file is an error value. */
export async function loadSummary(summaryPath: string): Promise<{ summary: ReportSummary } | { error: string }> {
  let text: string;
  try {
    text = await readFile(summaryPath, 'utf8');
  } catch (err) {
    return { error: `cannot read ${summaryPath}: ${(err as Error).message}` };
  }
  return parseRunSummary(text);
}

/**
 * `fanout run`: list -> chunks -> invoker -> records written as they complete -> summary.
 * The one place that wires the library pieces together for the CLI: flags become options in
 * run-flags.ts, the invoking happens in run-urls.ts, and this file reads the list, resumes, writes
 * the records, the summary and the report, and picks the exit code.
 */
import fs from 'node:fs';
import type { Outcome } from '../../core/contract';
import { describeDryRun } from '../dry-run';
import { UsageError } from '../../core/errors';
import { createProgress } from '../progress';
import { readUrls, type UrlList } from '../../orchestrator';
import { openResume, skipRecorded } from '../resume';
import { loadExtractSpec, scrapeOptionsFromFlags, type RunFlags } from '../run-flags';
import { invokeRun, type InvokeRunResult } from '../invoke-run';
import type { RunSummary } from '../../core/summary';
import { SummaryBuilder } from '../../report/summary-builder';
import { formatSummary } from '../summary';
import { ReportAggregator, renderReport } from '../../report';
import { openOutput, type OutcomeWriter } from '../write-output';
import { EXIT_INTERRUPTED, EXIT_LOST, EXIT_OK, EXIT_USAGE } from '../exit-codes';
import { checkOutputPaths, type OutputPath } from '../output-paths';

export { scrapeOptionsFromFlags, type RunFlags } from '../run-flags';
export { EXIT_INTERRUPTED } from '../exit-codes';

/** A list prepared by the caller instead of read from `list` (`fanout retry`), and whether to append to `out`. */
export interface PresetList {
  input: UrlList;
  /** How the summary and messages name the list. */
  source: string;
  append: boolean;
  /**
   * Whether to write a record; one left out is still counted in the summary. `fanout retry`
   * leaves out failures that only fanout's own settings caused, so the old record stays.
   */
  keep?: (outcome: Outcome) => boolean;
}

/** Every file a run writes, by the flag that names it. */
export function outputPaths(flags: Pick<RunFlags, 'out' | 'summary' | 'report'>): OutputPath[] {
  return [
    { flag: '-o', path: flags.out },
    { flag: '--summary', path: flags.summary },
    { flag: '--report', path: flags.report },
  ];
}

async function readList(list: string): Promise<UrlList> {
  if (list === '-' && process.stdin.isTTY) {
    process.stderr.write('fanout: reading URLs from the terminal, one per line; end with Ctrl-D\n');
  }
  return readUrls(list === '-' ? process.stdin : list);
}

/** Runs `fanout run` and returns its exit code; throws UsageError for bad flags, list or output path. */
export async function runCommand(list: string, flags: RunFlags, preset?: PresetList): Promise<number> {
  const startedAt = Date.now();
  if (flags.csvRaw && flags.format !== 'csv') throw new UsageError('--csv-raw applies to --format csv only; add --format csv or drop --csv-raw');
  if (!flags.dryRun) checkOutputPaths(outputPaths(flags), preset ? [] : [{ flag: 'the list', path: list }]);
  const extract = await loadExtractSpec(flags.extract);
  const scrape = scrapeOptionsFromFlags(flags, extract);
  let input = preset?.input ?? (await readList(list));
  const source = preset?.source ?? (list === '-' ? 'stdin' : list);
  if (input.urls.length === 0 && input.invalid.length === 0) {
    throw new UsageError(`${source} has no URLs (${input.counts.lines} lines, all blank or # comments). Put one http(s) URL per line.`);
  }
  if (flags.dryRun) {
    process.stdout.write(`${describeDryRun(source, input, flags).join('\n')}\n`);
    return EXIT_OK;
  }
  const resumed = flags.resume ? await openResume(flags.out, flags.format) : undefined;
  if (resumed) {
    input = skipRecorded(input, resumed.recorded);
    const repaired = resumed.repaired === 'cut-partial-line' ? ' (removed a last line cut short)' : '';
    if (!flags.quiet)
      process.stderr.write(`fanout: resuming ${flags.out}: ${resumed.records} records there${repaired}, ${input.urls.length + input.invalid.length} left to do\n`);
  }

  const out: OutcomeWriter = await openOutput(flags.out, flags.format, resumed !== undefined || preset?.append === true, { csvRaw: flags.csvRaw }).catch((err: Error) => {
    throw new UsageError(`cannot write ${flags.out}: ${err.message}. Check the folder exists and is writable.`, { cause: err });
  });
  const summary = new SummaryBuilder(startedAt);
  // Fed live, so the report needs no second pass over the output (which may be stdout).
  const reportAgg = flags.report ? new ReportAggregator() : undefined;
  const record = async (received: Outcome) => {
    const now = Date.now();
    // Stamped here, not in the worker: one clock for the whole run, and it is when the record was written.
    const outcome: Outcome = { ...received, at: new Date(now).toISOString() };
    if (preset?.keep?.(outcome) !== false) await out.write(outcome);
    summary.add(outcome, now);
    reportAgg?.add(outcome, now - startedAt);
  };
  const progress = createProgress({ quiet: flags.quiet });
  const total = input.urls.length + input.invalid.length;
  const report = () => progress.update({ done: summary.done, total, errors: summary.errors });

  for (const outcome of input.invalid) await record(outcome);

  const ran: InvokeRunResult =
    input.urls.length > 0
      ? await invokeRun(input.urls, flags, scrape, record, report)
      : { runId: 'none', interrupted: false, aborted: undefined, lambda: undefined, speculativeInvocations: 0 };
  await out.close();
  progress.stop();

  const result: RunSummary = summary.finish({
    runId: ran.runId,
    mode: flags.mode,
    input: {
      read: input.counts.lines - input.counts.skipped,
      valid: input.counts.valid,
      duplicate: input.counts.duplicates,
      invalid: input.counts.invalid,
    },
    options: { ...scrape, chunkRetries: flags.chunkRetries, workers: flags.workers, chunkSize: flags.chunkSize },
    interrupted: ran.interrupted,
    lambda: ran.lambda,
    speculativeInvocations: ran.speculativeInvocations,
  });
  if (!flags.quiet) process.stderr.write(`${formatSummary(result)}\n`);
  if (flags.summary) fs.writeFileSync(flags.summary, `${JSON.stringify(result, null, 2)}\n`);
  if (reportAgg && flags.report) {
    const data = reportAgg.finish(result, { resultsPath: flags.out });
    fs.writeFileSync(flags.report, renderReport(data));
    if (!flags.quiet) process.stderr.write(`  report    ${flags.report}\n`);
  }

  if (ran.aborted) {
    const resume = flags.out && flags.format === 'jsonl' ? '; fix that, then run again with --resume to do the rest' : '';
    process.stderr.write(`fanout: ${ran.aborted.message}${resume}\n`);
    if (flags.verbose && ran.aborted.stack) process.stderr.write(`${ran.aborted.stack}\n`);
    return EXIT_USAGE;
  }
  if (input.urls.length === 0 && resumed === undefined) {
    process.stderr.write(
      `fanout: none of the lines in ${source} is an http(s) URL (first bad line: ${JSON.stringify(input.invalid[0]?.url)}); wrote an invalid-url record for each.\n`,
    );
    return EXIT_USAGE;
  }
  if (ran.interrupted) return EXIT_INTERRUPTED;
  return result.lost > 0 ? EXIT_LOST : EXIT_OK;
}

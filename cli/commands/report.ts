/**
 * `fanout report <results.jsonl>`: one self-contained HTML report of a results file, written to a
 * file (`./report.html` by default) or, with `-o -`, to stdout.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { UsageError } from '../../core/errors';
import type { ReportData } from '../../report/report-data';
import { intArg } from '../options';
import { checkOutputPaths } from '../output-paths';
import { DEFAULT_TOP, MAX_TOP } from '../../report/constants';

export interface ReportFlags {
  summary?: string;
  /** A file, or `-` for stdout. */
  out: string;
  top: number;
}

const NEED = 'give it the JSONL that fanout run -o wrote';

/** A file with no record in it is not worth a report: most likely it is the URL list, or empty. */
function assertHasRecords(results: string, data: ReportData): void {
  if (data.totals.records > 0) return;
  const first = data.badLines.examples[0];
  if (first === undefined) throw new UsageError(`${results} has no records; ${NEED}`);
  const lines = data.badLines.count === 1 ? 'its one line is not' : `none of its ${data.badLines.count} lines is`;
  throw new UsageError(`${results} is not a results file: ${lines} a fanout record (line ${first.line}: ${first.reason}); ${NEED}`);
}

/** Writes the report and says where; a results file that cannot be read is a ReportInputError (shown as is). */
export async function reportCommand(results: string, flags: ReportFlags): Promise<void> {
  checkOutputPaths([{ flag: '-o', path: flags.out }], [{ flag: 'the results file', path: results }]);
  // Loaded only for this command: the report's renderer is not needed by `fanout run` without --report.
  const { buildReportFromFile, renderReport } = require('../../report') as typeof import('../../report');
  const data = await buildReportFromFile(results, { summaryPath: flags.summary, top: flags.top });
  assertHasRecords(results, data);
  const html = renderReport(data);
  const kib = Math.ceil(Buffer.byteLength(html) / 1024);
  const records = `${data.totals.records} ${data.totals.records === 1 ? 'record' : 'records'}`;
  if (flags.out === '-') {
    await new Promise<void>((resolve, reject) => process.stdout.write(html, (err) => (err ? reject(err) : resolve())));
    process.stderr.write(`fanout: wrote the report to stdout (${kib} KiB) from ${records}\n`);
    return;
  }
  await fs.promises.writeFile(flags.out, html, 'utf8');
  // The absolute path: with the default -o, "report.html" alone does not say which folder.
  process.stderr.write(`fanout: wrote ${path.resolve(flags.out)} (${kib} KiB) from ${records}\n`);
}

export function addReportCommand(program: Command): void {
  program
    .command('report')
    .description('Render a self-contained HTML report of a results file (JSONL).')
    .argument('<results.jsonl>', 'records written by fanout run')
    .option('--summary <summary.json>', 'the summary written by fanout run --summary (adds wall time, options, throughput)')
    .option('-o, --out <report.html>', 'where to write the report, - for stdout', 'report.html')
    .addOption(new Option('--top <n>', 'slowest and failed URLs listed').argParser(intArg(1, MAX_TOP)).default(DEFAULT_TOP))
    .option('--verbose', 'print stack traces on errors')
    .addHelpText(
      'after',
      `
Examples:
  $ fanout run urls.txt -o results.jsonl --summary summary.json
  $ fanout report results.jsonl --summary summary.json -o report.html
  $ fanout report results.jsonl -o - > report.html`,
    )
    .action(async (results: string, opts: ReportFlags) => {
      await reportCommand(results, opts);
    });
}

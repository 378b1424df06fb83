/**
 * `fanout report <results.jsonl>`: one self-contained HTML report of a results file.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { intArg } from '../options';
import { checkOutputPaths } from '../output-paths';
import { DEFAULT_TOP, MAX_TOP } from '../../report/constants';

export interface ReportFlags {
  summary?: string;
  out: string;
  top: number;
}

/** Writes the report and says where; a results file that cannot be read is a ReportInputError (shown as is). */
export async function reportCommand(results: string, flags: ReportFlags): Promise<void> {
  checkOutputPaths([{ flag: '-o', path: flags.out }], [{ flag: 'the results file', path: results }]);
  // Loaded only for this command: the report's renderer is not needed by `fanout run` without --report.
  const { writeReport } = require('../../report') as typeof import('../../report');
  const { data, bytes } = await writeReport(results, flags.out, { summaryPath: flags.summary, top: flags.top });
  process.stderr.write(`fanout: wrote ${flags.out} (${Math.ceil(bytes / 1024)} KiB) from ${data.totals.records} records\n`);
}

export function addReportCommand(program: Command): void {
  program
    .command('report')
    .description('Render a self-contained HTML report of a results file (JSONL).')
    .argument('<results.jsonl>', 'records written by fanout run')
    .option('--summary <summary.json>', 'the summary written by fanout run --summary (adds wall time, options, throughput)')
    .option('-o, --out <report.html>', 'where to write the report', 'report.html')
    .addOption(new Option('--top <n>', 'slowest and failed URLs listed').argParser(intArg(1, MAX_TOP)).default(DEFAULT_TOP))
    .option('--verbose', 'print stack traces on errors')
    .addHelpText(
      'after',
      `
Examples:
  $ fanout run urls.txt -o results.jsonl --summary summary.json
  $ fanout report results.jsonl --summary summary.json -o report.html`,
    )
    .action(async (results: string, opts: ReportFlags) => {
      await reportCommand(results, opts);
    });
}

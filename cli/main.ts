/**
 * `fanout`: translates arguments into typed options and calls the library. Errors print one
 * message (the stack only with --verbose) and set the exit code: 0 run completed (page errors
 * included), 1 usage or input error, 2 some URLs were lost because their worker failed.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { VERSION } from '../core/version';
import { OUTPUT_FORMATS } from './write-output';
import { UsageError } from '../core/errors';
import { runCommand, type RunFlags } from './commands/run';
import { addRetryCommand } from './commands/retry';
import { DEFAULT_ROBOTS_MODE, ROBOTS_MODES } from '../orchestrator/robots';
import { EXIT_BROKEN_PIPE, EXIT_OK, EXIT_USAGE } from './exit-codes';


/** A commander parser for an integer flag within [min, max]. */
export function intArg(min: number, max: number) {
  return (raw: string): number => {
    const value = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}.`);
    }
    return value;
  };
}

/** Parses sizes like `10485760`, `512k`, `10mb`, `1g` into bytes. */
export function bytesArg(raw: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?$/i.exec(raw.trim());
  if (!match) throw new InvalidArgumentError('expected a size such as 10485760, 512k or 10mb.');
  const scale: Record<string, number> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };
  const unit = (match[2] ?? 'b').toLowerCase()[0] ?? 'b';
  const value = Math.floor(Number(match[1]) * (scale[unit] ?? 1));
  if (value < 1 || value > 1024 ** 3) throw new InvalidArgumentError('expected a size from 1 byte to 1gb.');
  return value;
}

const RUN_EXAMPLES = `
Examples:
  $ fanout run urls.txt -o results.jsonl            scrape a list on this machine, one worker per CPU
  $ cat urls.txt | fanout run - --format csv > out.csv
  $ fanout run urls.txt --extract spec.json -o out.jsonl --summary summary.json
  $ fanout run urls.txt --mode lambda -o out.jsonl  run the chunks on the deployed Lambda worker
  $ fanout run urls.txt --dry-run                   count, de-duplicate and estimate the Lambda cost
  $ fanout run urls.txt -o results.jsonl --resume   finish an interrupted run: only URLs without a record yet
  $ fanout retry results.jsonl                      run again the retryable failures, one record per URL kept

The list has one http(s) URL per line; blank lines and lines starting with # are skipped.
Every valid URL gets exactly one record: a page, or an error with a kind that says why.`;

export function buildProgram(): Command {
  const program = new Command()
    .name('fanout')
    .description('Fan-out web scraper: many workers (local processes or AWS Lambda), results as they complete.')
    .version(VERSION, '-V, --version')
    .showSuggestionAfterError(true)
    .configureHelp({ sortOptions: false })
    .addHelpText(
      'after',
      `
Examples:
  $ fanout run urls.txt -o results.jsonl --report report.html
  $ fanout run urls.txt --dry-run
  $ fanout retry results.jsonl
  $ fanout report results.jsonl -o report.html

Try it with no network: npm run demo. More: fanout run --help, and the README.`,
    );

  program
    .command('run')
    .description('Scrape every URL in a list and write one record per URL.')
    .argument('<list>', 'file with one URL per line, or - for stdin')
    .option('-o, --out <file>', 'write records to this file instead of stdout')
    .addOption(new Option('--format <format>', 'output format').choices(OUTPUT_FORMATS).default('jsonl'))
    .addOption(new Option('--mode <mode>', 'where workers run').choices(['local', 'lambda']).default('local'))
    .option('--workers <n>', 'workers in parallel: local processes (default: CPUs) or Lambda invocations (default: 100)', intArg(1, 10_000))
    .option('--concurrency <n>', 'requests in flight in each worker', intArg(1, 1024), 64)
    .option('--per-host <n>', 'requests in flight to one host, across the whole run', intArg(1, 1024), 8)
    .option('--chunk-size <n>', 'URLs per worker invocation (default: sized to the list, see README)', intArg(1, 100_000))
    .option('--timeout-ms <ms>', 'whole time allowed for one fetch attempt', intArg(1, 900_000), 30_000)
    .option('--retries <n>', 'retries per URL for network errors, 5xx, 408 and 429', intArg(0, 10), 2)
    .option('--max-bytes <size>', 'body cap after decompression, e.g. 10mb', bytesArg, 10 * 1024 * 1024)
    .option('--max-redirects <n>', 'redirects followed per URL', intArg(0, 50), 10)
    .option('--extract <spec.json>', 'declarative extraction spec: {"field": {"selector": ".css", "attr": "href", "all": true}}')
    .option('--user-agent <ua>', `User-Agent header (default: fanout/${VERSION} ...)`)
    .option('--chunk-retries <n>', 'times a failed chunk (crashed or timed-out worker) is re-run', intArg(0, 10), 2)
    .option('--chunk-timeout-ms <ms>', 'a local worker running longer than this on one chunk is replaced', intArg(1000, 3_600_000), 900_000)
    .option('--grace-ms <ms>', 'after Ctrl-C / SIGTERM, chunks in flight get this long to finish before they are cancelled', intArg(0, 3_600_000), 10_000)
    .option('--resume', 'append to the -o file, skipping URLs that already have a record there (finish an interrupted run)')
    .option('--allow-private', 'let requests reach loopback and private networks (the SSRF guard is on by default)')
    .addOption(new Option('--robots <mode>', 'robots.txt: obey (fetched once per site; disallowed URLs get robots-disallowed, Crawl-delay is kept) or ignore').choices(ROBOTS_MODES).default(DEFAULT_ROBOTS_MODE))
    .option('--dry-run', 'read, de-duplicate and chunk the list and estimate the Lambda cost; fetch nothing')
    .option('--summary <file>', 'also write the run summary as JSON to this file')
    .option('--report <file.html>', 'also write a self-contained HTML report of the run')
    .option('--function <name>', 'lambda mode: worker function name or ARN (default: $FANOUT_FUNCTION or cdk-outputs.json)')
    .option('--region <region>', 'lambda mode: AWS region (default: the standard AWS chain)')
    .option('--profile <profile>', 'lambda mode: AWS profile')
    .option('--endpoint <url>', 'lambda mode: Lambda API endpoint, e.g. a local emulator')
    .option('-q, --quiet', 'no progress and no summary on stderr')
    .option('--verbose', 'print stack traces on errors')
    .addHelpText('after', RUN_EXAMPLES)
    .action(async (list: string, opts: Record<string, unknown>) => {
      process.exitCode = await runCommand(list, opts as unknown as RunFlags);
    });

  program
    .command('report')
    .description('Render a self-contained HTML report of a results file (JSONL).')
    .argument('<results.jsonl>', 'records written by fanout run')
    .option('--summary <summary.json>', 'the summary written by fanout run --summary (adds wall time, options, throughput)')
    .option('-o, --out <report.html>', 'where to write the report', 'report.html')
    .option('--top <n>', 'slowest and failed URLs listed', intArg(1, 1000), 20)
    .option('--verbose', 'print stack traces on errors')
    .addHelpText('after', `
Examples:
  $ fanout run urls.txt -o results.jsonl --summary summary.json
  $ fanout report results.jsonl --summary summary.json -o report.html`)
    .action(async (results: string, opts: { summary?: string; out: string; top: number }) => {
      const { writeReport, ReportInputError } = require('../report') as typeof import('../report');
      try {
        const { data, bytes } = await writeReport(results, opts.out, { summaryPath: opts.summary, top: opts.top });
        process.stderr.write(`fanout: wrote ${opts.out} (${Math.ceil(bytes / 1024)} KiB) from ${data.totals.records} records\n`);
      } catch (err) {
        if (err instanceof ReportInputError) throw new UsageError(err.message, { cause: err });
        throw err;
      }
    });

  addRetryCommand(program); // after run: retry takes run's flags
  return program;
}

/** Entry point for bin/fanout.js. Never throws: every failure becomes a message and an exit code. */
export async function main(argv: string[] = process.argv): Promise<void> {
  // Whoever reads our records has stopped reading: nothing more can be delivered, so stop at
  // once and quietly, as `yes | head` does (LocalInvoker kills its children on exit).
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(EXIT_BROKEN_PIPE);
  });
  const program = buildProgram();
  program.exitOverride();
  const verbose = argv.includes('--verbose');
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has already printed its one-line message; help and version exit 0.
      process.exitCode = err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
      return;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`fanout: ${err.message}\n`);
    } else {
      process.stderr.write(`fanout: unexpected error: ${err instanceof Error ? err.message : String(err)}\n`);
      if (!verbose) process.stderr.write('(run again with --verbose for the stack trace)\n');
    }
    if (verbose && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    process.exitCode = EXIT_USAGE;
  }
}

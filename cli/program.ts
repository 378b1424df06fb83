/**
 * The `fanout` commander program: `run`, `retry` and `report`. Flags only; every range and default
 * comes from the schema field it sets (core/contract.ts for the workers, core/run-control.ts for the run).
 */
import { Command, Option } from 'commander';
import { ScrapeOptionsSchema } from '../core/contract';
import { ROBOTS_MODES, RUN_DEFAULTS, RunControlSchema } from '../core/run-control';
import { VERSION } from '../core/version';
import { addCrawlCommand } from './commands/crawl';
import { addReportCommand } from './commands/report';
import { addRetryCommand } from './commands/retry';
import type { RunFlags } from './commands/run';
import { runListOrSitemaps, wantsSitemaps } from './commands/run-sitemaps';
import { URLS_PER_LOCAL_WORKER, sizeLocalPool } from './local-pool';
import { addSitemapOptions, type SitemapFlags } from './sitemap-flags';
import { bytesOption, intOption } from './options';
import { proxyOptions } from './proxy-flags';
import { OUTPUT_FORMATS } from './write-output';

const RUN_EXAMPLES = `
Examples:
  $ fanout run urls.txt -o results.jsonl            scrape a list on this machine (a worker per 5,000 URLs, up to one per CPU)
  $ cat urls.txt | fanout run - --format csv > out.csv
  $ fanout run urls.txt --extract spec.json -o out.jsonl --summary summary.json
  $ fanout run urls.txt --mode lambda -o out.jsonl  run the chunks on the deployed Lambda worker
  $ fanout run urls.txt --dry-run                   count, de-duplicate and estimate the Lambda cost
  $ fanout run urls.txt -o results.jsonl --resume   finish an interrupted run: only URLs without a record yet
  $ fanout retry results.jsonl                      run again the retryable failures, one record per URL kept

The list has one http(s) URL per line; blank lines and lines starting with # are skipped.
Every valid URL gets exactly one record: a page, or an error with a kind that says why.`;

const S = ScrapeOptionsSchema.shape;
const R = RunControlSchema.shape;

function addRunCommand(program: Command): void {
  const proxy = proxyOptions();
  const run = program
    .command('run')
    .description('Scrape every URL in a list and write one record per URL.')
    .argument('[list]', 'file with one URL per line, or - for stdin (optional with --sitemap)')
    .option('-o, --out <file>', 'write records to this file instead of stdout')
    .addOption(new Option('--format <format>', 'output format').choices(OUTPUT_FORMATS).default('jsonl'))
    .option('--csv-raw', "csv: keep cells that start with = + - @ as the page wrote them (by default they get a leading ' so spreadsheets do not run them)")
    .addOption(new Option('--mode <mode>', 'where workers run').choices(['local', 'lambda']).default('local'))
    .addOption(
      intOption(
        '--workers <n>',
        `workers in parallel: local processes (default: one per ${URLS_PER_LOCAL_WORKER.toLocaleString('en')} URLs, up to the CPUs) or Lambda invocations (default: ${RUN_DEFAULTS.lambdaConcurrency})`,
        R.lambdaConcurrency.unwrap(),
      ),
    )
    .addOption(intOption('--concurrency <n>', 'requests in flight in each worker (local: more when fewer workers than CPUs, see README)', S.concurrency))
    .addOption(intOption('--per-host <n>', 'requests in flight to one host, across the whole run', S.perHost))
    .addOption(intOption('--chunk-size <n>', 'URLs per worker invocation (default: sized to the list, see README)', R.chunkSize))
    .addOption(intOption('--timeout-ms <ms>', 'whole time allowed for one fetch attempt', S.timeoutMs))
    .addOption(intOption('--retries <n>', 'retries per URL for network errors, 5xx, 408 and 429', S.retries))
    .addOption(bytesOption('--max-bytes <size>', 'body cap after decompression, e.g. 10mb', S.maxBytes))
    .addOption(intOption('--max-redirects <n>', 'redirects followed per URL', S.maxRedirects))
    .option('--extract <spec.json>', 'declarative extraction spec: {"field": {"selector": ".css", "attr": "href", "all": true}}')
    .option('--user-agent <ua>', `User-Agent header (default: fanout/${VERSION} ...)`)
    .addOption(intOption('--chunk-retries <n>', 'times a failed chunk (crashed or timed-out worker) is re-run', R.chunkRetries))
    .addOption(intOption('--chunk-timeout-ms <ms>', 'a local worker running longer than this on one chunk is replaced', R.chunkTimeoutMs))
    .addOption(
      intOption(
        '--speculative-copies <n>',
        'copies of straggling chunks at most, first record per URL kept (default: ~10% of URLs again on lambda, 0 locally)',
        R.speculativeCopies,
      ),
    )
    .addOption(intOption('--grace-ms <ms>', 'after Ctrl-C / SIGTERM, chunks in flight get this long to finish before they are cancelled', R.graceMs))
    .option('--resume', 'append to the -o file, skipping URLs that already have a record there (finish an interrupted run)')
    .option('--allow-private', 'let requests reach loopback and private networks (the SSRF guard is on by default)')
    .addOption(proxy.proxy)
    .addOption(proxy.noProxy)
    .addOption(proxy.proxyFile)
    .addOption(proxy.rotation)
    .addOption(proxy.allowPrivateProxy)
    .addOption(
      new Option('--robots <mode>', 'robots.txt: obey (fetched once per site; disallowed URLs get robots-disallowed, Crawl-delay is kept) or ignore')
        .choices(ROBOTS_MODES)
        .default(RUN_DEFAULTS.robots),
    )
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
    .action(async (list: string | undefined, opts: Record<string, unknown>, command: Command) => {
      const flags = opts as unknown as RunFlags & SitemapFlags;
      sizeLocalPool(flags, wantsSitemaps(flags) ? undefined : list, command.getOptionValueSource('concurrency') !== 'default');
      process.exitCode = await runListOrSitemaps(list, flags);
    });
  addSitemapOptions(run);
}

/** The whole program; `main` runs it. */
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
  addRunCommand(program);
  addReportCommand(program);
  addRetryCommand(program); // after run: retry takes run's flags
  addCrawlCommand(program); // after run, likewise
  return program;
}

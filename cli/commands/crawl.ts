/**
 * `fanout crawl <seeds…>`: flags -> typed options -> orchestrator/crawl/crawl.ts on a RunSession,
 * with everything around the waves (invoker, signals, output, summary, report, exit code) shared
 * with `fanout run` (cli/session-run.ts). Takes every `fanout run` flag that makes sense here.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Command, Option } from 'commander';
import type { CrawlRecord } from '../../core/crawl-record';
import { CRAWL_SCOPES, type CrawlScope, DEFAULT_MAX_DEPTH, MAX_MAX_DEPTH, MAX_MAX_PAGES } from '../../core/crawl-spec';
import { UsageError } from '../../core/errors';
import { normaliseUrl } from '../../core/normalise-url';
import { urlFilter } from '../../core/url-pattern';
import { readUrls, type UrlList } from '../../orchestrator';
import { Crawl, type CrawlStats } from '../../orchestrator/crawl/crawl';
import { formatBytes } from '../../report/render/format';
import { resumeCrawl } from '../crawl-resume';
import { checkOutputPaths } from '../output-paths';
import { intArg } from '../options';
import { refuseProxyFlags } from '../proxy-flags';
import { loadExtractSpec, scrapeOptionsFromFlags, type RunFlags } from '../run-flags';
import { outputPaths } from './run';
import { runSessionCommand } from '../session-run';
import { patternOptions, SITEMAP_FLAGS } from '../sitemap-flags';

export interface CrawlFlags extends RunFlags {
  maxDepth: number;
  maxPages?: number;
  scope: CrawlScope;
  include?: string[];
  exclude?: string[];
}

/** `fanout run` flags that crawl does not take: its own output formats and filters, no dry run, no sitemaps. */
const NOT_INHERITED = new Set<string>(['--out', '--format', '--csv-raw', '--dry-run', '--version', ...SITEMAP_FLAGS]);

const CRAWL_EXAMPLES = `
Examples:
  $ fanout crawl https://example.com/ --max-depth 2 -o crawl.jsonl
  $ fanout crawl seeds.txt --scope site --max-pages 10000 --exclude '*/tag/*' -o crawl.jsonl
  $ fanout crawl https://example.com/docs/ --scope prefix --include '/\\.html$/' --mode lambda -o docs.jsonl
  $ fanout crawl https://example.com/ --max-depth 2 -o crawl.jsonl --resume   continue an interrupted crawl

Records are fanout run's plus "depth" (hops from a seed) and "from" (the page that first linked to the URL).
Each URL is fetched at most once; robots.txt, Crawl-delay and --per-host hold across the whole crawl.`;

/** A seed argument with a scheme is a URL; anything else is a file of URLs (or `-`). */
const LOOKS_LIKE_URL = /^[a-z][a-z0-9+.-]*:\/\//i;

/** Seeds from URLs, files and `-`, normalised and de-duplicated as one list. */
async function readSeeds(args: readonly string[]): Promise<UrlList> {
  const all: UrlList = { urls: [], invalid: [], counts: { lines: 0, valid: 0, duplicates: 0, invalid: 0, skipped: 0 } };
  const seen = new Set<string>();
  for (const arg of args) {
    const list = LOOKS_LIKE_URL.test(arg) ? urlArgument(arg) : await readUrls(arg === '-' ? process.stdin : arg);
    for (const key of Object.keys(all.counts) as (keyof UrlList['counts'])[]) all.counts[key] += list.counts[key];
    all.invalid.push(...list.invalid);
    for (const url of list.urls) {
      if (seen.has(url)) all.counts.duplicates++;
      else {
        seen.add(url);
        all.urls.push(url);
      }
    }
  }
  return all;
}

function urlArgument(arg: string): UrlList {
  const url = normaliseUrl(arg);
  if (!url.ok) throw new UsageError(`bad seed ${arg}: ${url.reason}; give an http(s) URL such as https://example.com/, or a file of them`);
  return { urls: [url.url], invalid: [], counts: { lines: 1, valid: 1, duplicates: 0, invalid: 0, skipped: 0 } };
}

/** Runs `fanout crawl` and returns its exit code; throws UsageError for bad flags or seeds. */
export async function crawlCommand(args: string[], flags: CrawlFlags): Promise<number> {
  const seedFiles = args.filter((arg) => !LOOKS_LIKE_URL.test(arg)).map((file) => ({ flag: 'the seeds file', path: file }));
  checkOutputPaths(outputPaths(flags), seedFiles);
  const filter = urlFilter(flags.include, flags.exclude);
  refuseProxyFlags(flags, 'fanout crawl');
  const scrape = scrapeOptionsFromFlags(flags, await loadExtractSpec(flags.extract));
  const seeds = await readSeeds(args);
  if (seeds.urls.length === 0) throw new UsageError(`no seed to crawl from: ${args.join(' ')} has no http(s) URL; give one such as https://example.com/`);
  if (flags.maxPages !== undefined && flags.maxPages < seeds.urls.length) {
    throw new UsageError(`--max-pages ${flags.maxPages} is less than the ${seeds.urls.length} seeds; raise it or give fewer seeds`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fanout-crawl-'));
  try {
    const crawl = new Crawl({
      seeds: seeds.urls,
      maxDepth: flags.maxDepth,
      maxPages: flags.maxPages,
      scope: flags.scope,
      filter,
      dir,
      onWave: (wave) => {
        if (!flags.quiet) process.stderr.write(`fanout: wave ${wave.depth}: ${wave.urls} URLs at depth ${wave.depth} (${wave.seen} seen so far)\n`);
      },
    });
    await crawl.start();
    let invalid = seeds.invalid;
    let resumedRecords = 0;
    if (flags.resume) {
      const resumed = await resumeCrawl(flags.out, flags.format, crawl, new Set(invalid.map((o) => o.url)));
      invalid = invalid.filter((o) => !resumed.invalidDone.has(o.url));
      resumedRecords = resumed.records;
      const left = await crawl.pending();
      const repaired = resumed.repaired === 'cut-partial-line' ? ' (removed a last line cut short)' : '';
      if (!flags.quiet) process.stderr.write(`fanout: resuming ${flags.out}: ${resumed.records} records there${repaired}, ${left} URLs left in the frontier\n`);
    }
    const startAdmitted = crawl.total;
    const startLeft = crawl.stats.frontier;
    return await runSessionCommand<CrawlRecord>({
      verb: 'crawl',
      flags,
      scrape,
      // A copy of a straggling chunk fetches its URLs a second time: a crawl promises at most once.
      speculativeCopies: 0,
      append: flags.resume === true,
      async drive(session, write, tick) {
        for (const outcome of invalid) await write({ ...outcome, depth: 0, from: null });
        await crawl.run(session, write, tick);
      },
      total: () => invalid.length + startLeft + (crawl.total - startAdmitted),
      finish: () => ({
        input: { read: seeds.counts.lines - seeds.counts.skipped, valid: seeds.counts.valid, duplicate: seeds.counts.duplicates, invalid: seeds.counts.invalid },
        fields: { crawl: { scope: flags.scope, maxDepth: flags.maxDepth, maxPages: flags.maxPages ?? null, resumedRecords, ...crawl.stats } },
        lines: crawlLines(crawl.stats, flags),
      }),
      emptyMessage: () => undefined,
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function crawlLines(stats: CrawlStats, flags: CrawlFlags): string[] {
  const perDepth = stats.pagesByDepth.map((n, depth) => `${depth}:${n}`).join(' ');
  const limit = stats.overMaxPages > 0 ? `; --max-pages ${flags.maxPages} reached, ${stats.overMaxPages} links not followed` : '';
  return [
    `  crawl     ${stats.waves} waves (scope ${flags.scope}, depth <= ${flags.maxDepth}); pages by depth ${perDepth || 'none'}; ${stats.frontier} left in the frontier${limit}`,
    `  seen      ${stats.seen} URLs in a ${formatBytes(stats.seenBytes)} seen-set`,
  ];
}

/** Adds `fanout crawl` to the program, with `fanout run`'s flags (add it after `run`). */
export function addCrawlCommand(program: Command): void {
  const run = program.commands.find((c) => c.name() === 'run');
  const crawl = program
    .command('crawl')
    .description('Crawl from seed URLs: follow the links pages report, breadth first, each wave a fan-out run; one record per URL, with depth and from.')
    .argument('<seeds...>', 'seed URLs, files with one URL per line, or - for stdin')
    .option('-o, --out <file>', 'write records to this file instead of stdout')
    .addOption(new Option('--format <format>', 'output format').choices(['jsonl', 'json']).default('jsonl'))
    .addOption(
      new Option('--max-depth <n>', 'links followed this many hops from the seeds (0: the seeds only)').argParser(intArg(0, MAX_MAX_DEPTH)).default(DEFAULT_MAX_DEPTH),
    )
    .addOption(new Option('--max-pages <n>', 'URLs crawled at most, seeds included (default: no limit)').argParser(intArg(1, MAX_MAX_PAGES)))
    .addOption(
      new Option('--scope <scope>', "links followed: the seeds' hosts, their registrable domains (site), or below a seed's folder (prefix)")
        .choices(CRAWL_SCOPES)
        .default('host'),
    );
  for (const option of patternOptions('links')) crawl.addOption(option);
  for (const option of (run?.options ?? []) as Option[]) {
    if (!NOT_INHERITED.has(option.long ?? '')) crawl.addOption(option);
  }
  crawl.addHelpText('after', CRAWL_EXAMPLES).action(async (seeds: string[], opts: Record<string, unknown>) => {
    process.exitCode = await crawlCommand(seeds, opts as unknown as CrawlFlags);
  });
}

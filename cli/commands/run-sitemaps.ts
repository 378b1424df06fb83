/**
 * `fanout run [list] --sitemap <url> …`: the list (if any) and the URLs of every sitemap, one run.
 * The list runs first; then the sitemaps are fetched (a few files here, one at a time; an index of
 * many children by the workers, as `sitemaps` events on the run's invoker), their URLs
 * de-duplicated against everything before them and run in batches as they come
 * (orchestrator/sitemap/), so a million-URL sitemap set is never held whole. A sitemap that fails is named on stderr and in the
 * summary, and the run goes on with the others.
 */
import type { Outcome, ScrapeOptions } from '../../core/contract';
import { UsageError } from '../../core/errors';
import { readUrls, type UrlList } from '../../orchestrator';
import { expandSitemaps, type ExpandSitemapsOptions } from '../../orchestrator/sitemap/expand-sitemaps';
import { emptySitemapStats, sitemapBatches, type SitemapStats } from '../../orchestrator/sitemap/sitemap-batches';
import { UrlHashSet } from '../../orchestrator/url-hash-set';
import { openResume, skipRecorded } from '../resume';
import { refuseProxyFlags } from '../proxy-flags';
import { loadExtractSpec, scrapeOptionsFromFlags, type RunFlags } from '../run-flags';
import { runSessionCommand } from '../session-run';
import { sitemapOptionsFromFlags, type SitemapFlags } from '../sitemap-flags';
import { checkOutputPaths } from '../output-paths';
import { describeDryRun } from '../dry-run';
import { EXIT_OK } from '../exit-codes';
import { outputPaths, runCommand } from './run';

/** New sitemap URLs gathered before a batch runs: big enough that the wait at each batch's end is small next to it. */
export const SITEMAP_BATCH_URLS = 10_000;
/** Failed sitemaps listed one by one in the summary on stderr (all are in `--summary`). */
const FAILURES_SHOWN = 10;

/** Whether `fanout run` was given sitemap flags: then {@link runSitemapsCommand} runs it. */
export function wantsSitemaps(flags: SitemapFlags): boolean {
  if ((flags.sitemap ?? []).length > 0) return true;
  if (flags.since !== undefined || flags.include !== undefined || flags.exclude !== undefined) {
    throw new UsageError('--since, --include and --exclude filter the URLs of sitemaps; add --sitemap <url> (or use fanout crawl for links)');
  }
  return false;
}

/** The `fanout run` action: a list alone is runCommand's; with sitemap flags, {@link runSitemapsCommand}. */
export async function runListOrSitemaps(list: string | undefined, flags: RunFlags & SitemapFlags): Promise<number> {
  if (wantsSitemaps(flags)) return runSitemapsCommand(list, flags);
  if (list === undefined) throw new UsageError('fanout run needs a list: a file with one URL per line, - for stdin, or --sitemap <url>');
  return runCommand(list, flags);
}

/** What expanding the sitemaps takes from the flags: the sitemap options, and the pages' fetch settings and robots mode. */
function expandOptions(sitemap: ReturnType<typeof sitemapOptionsFromFlags>, scrape: ScrapeOptions, flags: RunFlags): ExpandSitemapsOptions {
  return {
    ...sitemap,
    userAgent: scrape.userAgent,
    timeoutMs: scrape.timeoutMs,
    maxRedirects: scrape.maxRedirects,
    retries: scrape.retries,
    allowPrivate: scrape.allowPrivate,
    robots: flags.robots ?? 'obey',
  };
}

/** `fanout run` with `--sitemap`: returns the exit code; throws UsageError for bad flags, list or output. */
export async function runSitemapsCommand(list: string | undefined, flags: RunFlags & SitemapFlags): Promise<number> {
  const sitemap = sitemapOptionsFromFlags(flags);
  if (flags.dryRun) return dryRunSitemaps(list, flags);
  if (flags.csvRaw && flags.format !== 'csv') throw new UsageError('--csv-raw applies to --format csv only; add --format csv or drop --csv-raw');
  checkOutputPaths(outputPaths(flags), list === undefined ? [] : [{ flag: 'the list', path: list }]);
  refuseProxyFlags(flags, '--sitemap');
  const scrape = scrapeOptionsFromFlags(flags, await loadExtractSpec(flags.extract));
  let input: UrlList =
    list === undefined
      ? { urls: [], invalid: [], counts: { lines: 0, valid: 0, duplicates: 0, invalid: 0, skipped: 0 } }
      : await readUrls(list === '-' ? process.stdin : list);
  const resumed = flags.resume ? await openResume(flags.out, flags.format) : undefined;
  // Everything the run has, so a sitemap URL already there is not run twice.
  const seen = new UrlHashSet(input.urls.length + (resumed?.recorded.size ?? 0));
  for (const url of input.urls) seen.add(url);
  for (const url of resumed?.recorded ?? []) seen.add(url);
  if (resumed) {
    input = skipRecorded(input, resumed.recorded);
    if (!flags.quiet) process.stderr.write(`fanout: resuming ${flags.out}: ${resumed.records} records there; the list and the sitemaps' other URLs are left to do\n`);
  }
  const stats = emptySitemapStats();
  const listed = input.urls.length + input.invalid.length;

  return runSessionCommand<Outcome>({
    verb: 'run',
    flags,
    scrape,
    append: resumed !== undefined,
    async drive(session, write, tick) {
      for (const outcome of input.invalid) await write(outcome);
      await session.runBatch(input.urls, write, tick);
      const files = expandSitemaps({
        ...expandOptions(sitemap, scrape, flags),
        robotsCache: session.robots,
        signal: session.options.stopSignal,
        // An index of many children has them fetched by the workers, within the per-host budget.
        workers: {
          invoker: session.options.invoker,
          runId: `${session.runId}.sitemaps`,
          threshold: sitemap.fanOutAbove,
          perHost: scrape.perHost,
          concurrency: session.options.concurrency ?? session.options.invoker.capacity,
          retries: flags.chunkRetries,
        },
      });
      const onFile = (file: { error?: Error }) => {
        if (file.error && !flags.quiet) process.stderr.write(`fanout: ${file.error.message}; going on with the other sitemaps\n`);
      };
      for await (const batch of sitemapBatches(files, seen, stats, SITEMAP_BATCH_URLS, onFile)) {
        if (session.halted) break;
        await session.runBatch(batch, write, tick);
      }
    },
    total: () => listed + stats.urls,
    finish: () => ({
      input: {
        read: input.counts.lines - input.counts.skipped + stats.entries,
        valid: input.counts.valid + stats.entries - stats.invalid,
        duplicate: input.counts.duplicates + stats.duplicates,
        invalid: input.counts.invalid,
      },
      fields: { sitemaps: sitemapSummary(stats) },
      lines: sitemapLines(stats),
    }),
    emptyMessage: () =>
      stats.failed.length > 0
        ? `no URLs to scrape: ${stats.failed.length} sitemap(s) failed (${stats.failed[0]?.message}); fix or drop them`
        : `no URLs to scrape: the sitemaps had none left after --since / --include / --exclude${list === undefined ? '' : ` and ${list} had none`}`,
  });
}

/**
 * `fanout run --sitemap … --dry-run`: the sitemaps are fetched (here, one file at a time: a dry run
 * starts no worker), their URLs de-duplicated and filtered as a run would, and the run that would
 * follow is described and priced as `--dry-run` does a list. No page is fetched. The URLs are held
 * for the count per host, 8 bytes a URL in the de-duplication set plus the strings.
 */
async function dryRunSitemaps(list: string | undefined, flags: RunFlags & SitemapFlags): Promise<number> {
  const sitemap = sitemapOptionsFromFlags(flags);
  const scrape = scrapeOptionsFromFlags(flags, undefined);
  const input: UrlList =
    list === undefined
      ? { urls: [], invalid: [], counts: { lines: 0, valid: 0, duplicates: 0, invalid: 0, skipped: 0 } }
      : await readUrls(list === '-' ? process.stdin : list);
  const seen = new UrlHashSet(input.urls.length);
  for (const url of input.urls) seen.add(url);
  const stats = emptySitemapStats();
  const files = expandSitemaps(expandOptions(sitemap, scrape, flags));
  const urls = [...input.urls];
  const onFile = (file: { error?: Error }) => {
    if (file.error && !flags.quiet) process.stderr.write(`fanout: ${file.error.message}; going on with the other sitemaps\n`);
  };
  for await (const batch of sitemapBatches(files, seen, stats, SITEMAP_BATCH_URLS, onFile)) urls.push(...batch);
  const counts = input.counts;
  const all: UrlList = {
    urls,
    invalid: input.invalid,
    // As the run's summary counts them (finish, below).
    counts: { ...counts, lines: counts.lines + stats.entries, valid: counts.valid + stats.entries - stats.invalid, duplicates: counts.duplicates + stats.duplicates },
  };
  const source = [...(list === undefined ? [] : [list === '-' ? 'stdin' : list]), ...(flags.sitemap ?? [])].join(' + ');
  const [first, ...rest] = describeDryRun(source, all, flags);
  const lines = [first!.replace('nothing was fetched', 'only the sitemaps were fetched'), ...sitemapLines(stats), ...rest];
  process.stdout.write(`${lines.join('\n')}\n`);
  return EXIT_OK;
}

/** The `sitemaps` section of summary.json. */
export function sitemapSummary(stats: SitemapStats) {
  const { failed, ...counts } = stats;
  return { ...counts, failed: failed.map((e) => ({ sitemap: e.sitemap, reason: e.reason, message: e.message })) };
}

function sitemapLines(stats: SitemapStats): string[] {
  const dropped = [
    stats.old > 0 ? `${stats.old} before --since` : '',
    stats.filtered > 0 ? `${stats.filtered} filtered out` : '',
    stats.duplicates > 0 ? `${stats.duplicates} already listed` : '',
    stats.invalid > 0 ? `${stats.invalid} not http(s) URLs` : '',
  ].filter((s) => s !== '');
  const lines = [
    `  sitemaps  ${stats.files} files read, ${stats.entries} URLs listed, ${stats.urls} new run${dropped.length > 0 ? ` (${dropped.join(', ')})` : ''}${stats.failed.length > 0 ? `; ${stats.failed.length} FAILED:` : ''}`,
  ];
  for (const error of stats.failed.slice(0, FAILURES_SHOWN)) lines.push(`    ${error.message}`);
  if (stats.failed.length > FAILURES_SHOWN) lines.push(`    … and ${stats.failed.length - FAILURES_SHOWN} more (--summary lists them all)`);
  return lines;
}

/**
 * The sitemap flags of `fanout run` (`--sitemap`, `--since`, `--include`, `--exclude`,
 * `--sitemap-depth`), added to the command in one call, and checked into typed options once.
 */
import { type Command, Option } from 'commander';
import { parseSince, parseSitemapSource, type SitemapSource } from '../core/sitemap-spec';
import { urlFilter, type UrlFilter } from '../core/url-pattern';
import { DEFAULT_FAN_OUT_ABOVE } from '../orchestrator/sitemap/expand-sitemaps';
import { intArg } from './options';

/** Long names of the flags added here (`fanout retry` does not take them). */
export const SITEMAP_FLAGS = ['--sitemap', '--since', '--include', '--exclude', '--sitemap-depth', '--sitemap-fan-out'] as const;

/** Index levels followed below a sitemap given with `--sitemap`. */
export const DEFAULT_SITEMAP_DEPTH = 5;

export interface SitemapFlags {
  sitemap?: string[];
  since?: string;
  include?: string[];
  exclude?: string[];
  sitemapDepth: number;
  /** More sitemaps than this waiting at once (an index's children) are fetched by the workers. */
  sitemapFanOut: number;
}

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/** `--include` / `--exclude`, shared with `fanout crawl`. */
export function patternOptions(what: string): Option[] {
  return [
    new Option('--include <pattern>', `only ${what} matching this glob (* any characters) or /regex/; repeatable`).argParser(collect),
    new Option('--exclude <pattern>', `no ${what} matching this glob or /regex/; repeatable`).argParser(collect),
  ];
}

/** Adds the sitemap flags to `fanout run`. */
export function addSitemapOptions(command: Command): Command {
  command
    .addOption(
      new Option(
        '--sitemap <url>',
        'also scrape the URLs of this sitemap or sitemap index (.xml, .xml.gz, text), or robots:<origin> for its Sitemap: lines; repeatable',
      ).argParser(collect),
    )
    .addOption(new Option('--since <date>', 'sitemaps: only URLs whose <lastmod> is on or after this date (2024-05-31) or datetime; URLs without one are kept'));
  for (const option of patternOptions('sitemap URLs')) command.addOption(option);
  return command
    .addOption(new Option('--sitemap-depth <n>', 'sitemap index levels followed below a --sitemap').argParser(intArg(0, 20)).default(DEFAULT_SITEMAP_DEPTH))
    .addOption(
      new Option('--sitemap-fan-out <n>', 'an index listing more than n sitemaps has them fetched by the workers (local processes or Lambda), not one by one here')
        .argParser(intArg(0, 1_000_000))
        .default(DEFAULT_FAN_OUT_ABOVE),
    )
    .addHelpText('after', SITEMAP_EXAMPLES);
}

const SITEMAP_EXAMPLES = `
Sitemaps:
  $ fanout run --sitemap https://example.com/sitemap.xml -o out.jsonl
  $ fanout run urls.txt --sitemap robots:https://example.com --since 2024-05-01 -o out.jsonl
  $ fanout run --sitemap https://example.com/sitemap_index.xml.gz --include 'https://example.com/blog/*' --exclude '/[?&]page=/'
Indexes are followed ${DEFAULT_SITEMAP_DEPTH} levels down (--sitemap-depth); the children of an index of more than ${DEFAULT_FAN_OUT_ABOVE} are
fetched by the workers (--sitemap-fan-out); a sitemap that fails (malformed, over 50,000 URLs or
50 MB, HTTP error, robots.txt) is named on stderr and in the summary, and the run goes on with the others.`;

/** The sitemap flags as typed options; throws UsageError naming a bad value. */
export function sitemapOptionsFromFlags(flags: SitemapFlags): { sources: SitemapSource[]; sinceMs?: number; filter: UrlFilter; maxDepth: number; fanOutAbove: number } {
  return {
    sources: (flags.sitemap ?? []).map(parseSitemapSource),
    ...(flags.since === undefined ? {} : { sinceMs: parseSince(flags.since) }),
    filter: urlFilter(flags.include, flags.exclude),
    maxDepth: flags.sitemapDepth,
    fanOutAbove: flags.sitemapFanOut,
  };
}

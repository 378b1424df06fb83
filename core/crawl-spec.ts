/**
 * What a crawl is asked to do (how far, how wide, which links), one schema for every place that
 * takes it: `fanout crawl`'s flags share its defaults and limits, a schedule's `crawl` entry is
 * validated with it at synth time and again by the scheduled-run function, and a scheduled crawl's
 * checkpoint carries it. The crawl itself (orchestrator/crawl/) takes the parsed value.
 */
import { z } from 'zod';
import { compilePattern } from './url-pattern';

/** Which links a crawl follows, by where its seeds are (orchestrator/crawl/scope.ts says how). */
export const CRAWL_SCOPES = ['host', 'site', 'prefix'] as const;
export type CrawlScope = (typeof CRAWL_SCOPES)[number];

/** @default for maxDepth (`--max-depth`): the seeds, the pages they link to, and two more hops. */
export const DEFAULT_MAX_DEPTH = 3;
/** The deepest a crawl may go. */
export const MAX_MAX_DEPTH = 1000;
/** The most pages `maxPages` may allow. */
export const MAX_MAX_PAGES = 1_000_000_000;

/** One `include` / `exclude` pattern: a glob, or `/regex/flags`, compiled here so a bad one fails where it enters. */
export const UrlPatternSchema = z.string().superRefine((pattern, ctx) => {
  try {
    compilePattern(pattern);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
});

export const CrawlSettingsSchema = z.strictObject({
  /** Links are followed this many hops from the seeds; 0 fetches the seeds only. @default 3 */
  maxDepth: z
    .number({ error: `must be a whole number of hops, 0 (the seeds only) to ${MAX_MAX_DEPTH}` })
    .int()
    .min(0, 'must be at least 0 (the seeds only)')
    .max(MAX_MAX_DEPTH, `must be at most ${MAX_MAX_DEPTH}; a deeper crawl is rarely what you mean, bound it with maxPages instead`)
    .default(DEFAULT_MAX_DEPTH),
  /** URLs crawled at most, seeds included, the earliest waves first. @default no limit */
  maxPages: z.number().int().min(1).max(MAX_MAX_PAGES).optional(),
  /** @default 'host' */
  scope: z
    .enum(CRAWL_SCOPES, { error: `must be one of ${CRAWL_SCOPES.join(', ')} (host: the seeds' hosts; site: their registrable domains; prefix: below a seed's folder)` })
    .default('host'),
  /** Links followed must match one of these (if any); seeds are always fetched. */
  include: z.array(UrlPatternSchema).optional(),
  /** Links matching any of these are not followed. */
  exclude: z.array(UrlPatternSchema).optional(),
});
export type CrawlSettings = z.output<typeof CrawlSettingsSchema>;

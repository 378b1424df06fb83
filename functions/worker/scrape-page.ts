/**
 * One URL, start to record: attempts with retries (per retry-policy), then decode and parse.
 * Returns the URL's outcome, or null when `signal` aborted it (the URL is then "unstarted").
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import { charsetParam } from '../../http/content-type';
import type { ExtractSpec, Outcome, ScrapeOptions } from '../../core/contract';
import { bytesForScan } from './parse/decode';
import { FetchError } from '../../http/fetch-error';
import { fetchPage, type FetchedPage } from '../../http/fetch-page';
import type { BeforeRedirect } from '../../http/follow-redirects';
import { parsePage, type ParsedPage } from './parse/parse-page';
import { decideRetry } from './page-retry';

export interface PageControl {
  /** Epoch ms by which every attempt must have finished; no retry starts that could not. */
  deadline?: number;
  signal?: AbortSignal;
  /** Told of every failed attempt, retried or not (the chunk watches for 429/503 to slow a host down). */
  onAttemptError?: (error: FetchError) => void;
  /** Vets each redirect hop (robots.txt on redirects: redirect-robots.ts). */
  beforeRedirect?: BeforeRedirect;
  /** The way out (http/route.ts). @default the one `options` describe */
  dispatcher?: Dispatcher;
  /** True once every proxy of the pool is benched: a URL that fails then is handed back unstarted, not recorded. */
  proxiesExhausted?: () => boolean;
  /**
   * Times a URL is sent through the pool again, at once and without using up an attempt, after every
   * proxy tried failed it on its own account (no connection, 407): enough rounds to bench them all
   * (`benchAfterFailures`), so a dead pool stops the run instead of filling it with failures. @default 0
   */
  proxyRounds?: number;
}

const NOT_PARSED: ParsedPage = { title: null, description: null, links: [] };

function elapsed(startedAt: number): number {
  return Math.round(performance.now() - startedAt);
}

function internal(err: unknown, where: string): FetchError {
  const message = err instanceof Error ? err.message : String(err);
  return new FetchError(`internal error in ${where}: ${message}`, 'internal', { cause: err });
}

/** Decodes and parses an HTML body; non-HTML bodies get nulls and no links, and are not parsed. */
function toRecord(page: FetchedPage, spec: ExtractSpec | undefined): ParsedPage {
  if (page.html === null) return NOT_PARSED;
  return parsePage(bytesForScan(page.html, charsetParam(page.contentType)), page.finalUrl, spec);
}

/**
 * Scrapes `url` (already validated; `input` is the string the record echoes).
 * Never throws for a page problem: failures are outcomes with a closed `error.kind`. Returns null
 * when `signal` aborted it, or when it failed through a proxy pool that has no proxy left.
 */
export async function scrapePage(input: string, url: URL, options: ScrapeOptions, control: PageControl = {}): Promise<Outcome | null> {
  const { signal, deadline } = control;
  const startedAt = performance.now();
  let proxyRounds = control.proxyRounds ?? 0;
  for (let attempts = 1; ; attempts++) {
    let page: FetchedPage;
    try {
      page = await fetchPage(url, options, signal, control.dispatcher, control.beforeRedirect);
    } catch (err) {
      if (signal?.aborted) return null;
      const error = err instanceof FetchError ? err : internal(err, 'fetchPage');
      if (error.kind === 'proxy') {
        if (control.proxiesExhausted?.()) return null;
        // The proxies' fault, not the page's (a CONNECT refused with another status may be the site's).
        const proxiesAtFault = error.status === undefined || error.status === 407;
        if (proxiesAtFault && proxyRounds-- > 0) {
          attempts--;
          continue;
        }
      }
      control.onAttemptError?.(error);
      const decision = decideRetry({
        attempts,
        retries: options.retries,
        kind: error.kind,
        status: error.status,
        code: error.causeCode,
        retryAfterMs: error.details.retryAfterMs,
        timeoutMs: options.timeoutMs,
        now: Date.now(),
        deadline,
        random: Math.random(),
      });
      if (!decision.retry) {
        const failure: Outcome = { url: input, ok: false, error: error.toPageError(), attempts, ms: elapsed(startedAt) };
        if (error.details.proxy !== undefined) failure.proxy = error.details.proxy;
        return failure;
      }
      try {
        await sleep(decision.delayMs, undefined, { signal });
      } catch {
        return null; // aborted while waiting
      }
      continue;
    }
    let parsed: ParsedPage;
    try {
      parsed = toRecord(page, options.extract);
    } catch (err) {
      return { url: input, ok: false, error: internal(err, 'parsePage').toPageError(), attempts, ms: elapsed(startedAt) };
    }
    const outcome: Outcome = {
      url: input,
      ok: true,
      finalUrl: page.finalUrl,
      status: page.status,
      contentType: page.contentType,
      bytes: page.bytes,
      ms: elapsed(startedAt),
      title: parsed.title,
      description: parsed.description,
      links: parsed.links,
      attempts,
    };
    if (parsed.data !== undefined) outcome.data = parsed.data;
    if (page.proxy !== undefined) outcome.proxy = page.proxy;
    return outcome;
  }
}

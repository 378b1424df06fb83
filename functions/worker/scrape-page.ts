/**
 * One URL, start to record: attempts with retries (per retry-policy), then decode and parse.
 * Returns the URL's outcome, or null when `signal` aborted it (the URL is then "unstarted").
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { charsetParam } from '../../http/content-type';
import type { ExtractSpec, Outcome, ScrapeOptions } from '../../core/contract';
import { decodeHtml } from './parse/decode';
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
  return parsePage(decodeHtml(page.html, charsetParam(page.contentType)), page.finalUrl, spec);
}

/**
 * Scrapes `url` (already validated; `input` is the string the record echoes).
 * Never throws for a page problem: failures are outcomes with a closed `error.kind`.
 */
export async function scrapePage(input: string, url: URL, options: ScrapeOptions, control: PageControl = {}): Promise<Outcome | null> {
  const { signal, deadline } = control;
  const startedAt = performance.now();
  for (let attempts = 1; ; attempts++) {
    let page: FetchedPage;
    try {
      page = await fetchPage(url, options, signal, control.beforeRedirect);
    } catch (err) {
      if (signal?.aborted) return null;
      const error = err instanceof FetchError ? err : internal(err, 'fetchPage');
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
      if (!decision.retry) return { url: input, ok: false, error: error.toPageError(), attempts, ms: elapsed(startedAt) };
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
    return outcome;
  }
}

/**
 * A sitemap that gave no URLs, and why. The run goes on with the other sitemaps; the summary and
 * stderr name each one that failed.
 */
import { FanoutError } from '../../core/errors';

export type SitemapErrorReason =
  /** Not well-formed XML (the message has the line and column). */
  | 'malformed'
  /** Well-formed, but neither a `<urlset>` nor a `<sitemapindex>` (an HTML page, a feed). */
  | 'not-a-sitemap'
  /** More than the protocol's 50,000 entries in one file. */
  | 'too-many-urls'
  /** More than the protocol's 50 MB (52,428,800 bytes) uncompressed. */
  | 'too-large'
  /** An index nested deeper than the depth cap, or past the cap on sitemap files. */
  | 'too-deep'
  /** The server answered 4xx/5xx (after retries for 5xx, 408 and 429). */
  | 'http'
  /** No usable answer: DNS, connection, timeout, TLS, a broken gzip stream, bad redirects. */
  | 'fetch'
  /** The SSRF guard refused the address (`--allow-private` lets it through). */
  | 'blocked'
  /** robots.txt forbids the sitemap URL itself. */
  | 'robots-disallowed'
  /** `robots:<origin>` found no `Sitemap:` line, or no robots.txt. */
  | 'no-sitemaps';

export class SitemapError extends FanoutError {
  override readonly name = 'SitemapError';
  readonly code = 'FANOUT_SITEMAP';
  override readonly userFacing = true;
  constructor(
    /** Names the sitemap first: `sitemap <url>: …`. */
    message: string,
    readonly reason: SitemapErrorReason,
    /** The sitemap's URL (or `robots:<origin>`). */
    readonly sitemap: string,
    options?: { status?: number; cause?: unknown },
  ) {
    super(message, { cause: options?.cause });
    this.status = options?.status;
  }

  /** The HTTP status, for `http`. */
  readonly status: number | undefined;
}

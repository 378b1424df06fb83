/**
 * A sitemap that gave no URLs, and why. The run goes on with the other sitemaps; the summary and
 * stderr name each one that failed. Its reasons are listed in core/sitemap-contract.ts (a worker sends them).
 */
import { FanoutError } from '../../core/errors';
import type { SitemapErrorReason } from '../../core/sitemap-contract';

export type { SitemapErrorReason } from '../../core/sitemap-contract';

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

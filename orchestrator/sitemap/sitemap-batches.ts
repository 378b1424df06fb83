/**
 * Sitemap files to batches of new page URLs for a run: de-duplicated against everything the run
 * already has (its list, what a resumed output holds, earlier sitemaps), counted, and read one
 * file ahead, so the next sitemap is being fetched while a batch runs.
 *
 * Memory: the batch being filled and the file read ahead (at most 50,000 URLs each, the protocol's
 * cap), plus the de-duplication set, which keeps 8 bytes a slot per URL (url-hash-set.ts), never
 * the URLs: a million-URL sitemap set costs 16 MiB there, not the whole list.
 */
import type { UrlHashSet } from '../url-hash-set';
import type { SitemapError } from '../../http/sitemap/sitemap-error';
import type { SitemapFile } from './expand-sitemaps';

/** What the sitemaps gave, for the summary. */
export interface SitemapStats {
  /** Sitemap files read (indexes included). */
  files: number;
  /** Sitemaps and sources that gave nothing, each with why. */
  failed: SitemapError[];
  /** Page entries read from urlsets and text sitemaps. */
  entries: number;
  invalid: number;
  /** Dropped by `--since`. */
  old: number;
  /** Dropped by `--include` / `--exclude`. */
  filtered: number;
  /** Already in the list, an earlier sitemap, or the resumed output. */
  duplicates: number;
  /** New URLs handed to the run. */
  urls: number;
}

export function emptySitemapStats(): SitemapStats {
  return { files: 0, failed: [], entries: 0, invalid: 0, old: 0, filtered: 0, duplicates: 0, urls: 0 };
}

/**
 * Batches of at least `batchSize` URLs (the last one may be smaller) that `seen` did not have,
 * adding them to it. `onFile` sees each file as it is read (e.g. to print a failure at once).
 */
export async function* sitemapBatches(
  files: AsyncIterable<SitemapFile>,
  seen: UrlHashSet,
  stats: SitemapStats,
  batchSize: number,
  onFile: (file: SitemapFile) => void = () => {},
): AsyncGenerator<string[]> {
  let batch: string[] = [];
  for await (const file of readAhead(files)) {
    onFile(file);
    if (file.error) stats.failed.push(file.error);
    else stats.files++;
    if (file.kind !== 'index') stats.entries += file.counts.entries;
    stats.invalid += file.counts.invalid;
    stats.old += file.counts.old;
    stats.filtered += file.counts.filtered;
    for (const url of file.urls) {
      if (!seen.add(url)) {
        stats.duplicates++;
        continue;
      }
      stats.urls++;
      batch.push(url);
    }
    if (batch.length >= batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** `source`, with its next item asked for as soon as the current one is handed out. */
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let next = iterator.next();
  try {
    for (;;) {
      const item = await next;
      if (item.done) return;
      next = iterator.next();
      yield item.value;
    }
  } finally {
    // Stopped early: let the item being fetched settle, then close the source (its finally blocks run).
    await next.catch(() => undefined);
    await iterator.return?.();
  }
}

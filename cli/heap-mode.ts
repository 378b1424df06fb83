/**
 * Memory over speed for very long lists. The orchestrator's live data is small (the URL strings,
 * about 85 MB for a million), but V8 lets garbage grow to several times the live set before a full
 * collection: 1,000,000 URLs peaked at ~430 MB RSS. V8's `--optimize-for-size` collects sooner:
 * ~220 MB for the same run, for about twice the orchestrator's CPU (15 -> 30 µs per URL), which
 * is small next to the workers' ~3 ms per page. Below the thresholds speed wins.
 *
 * Reading the list is itself a peak, so a list file is judged by its size before it is read;
 * stdin can only be judged by its URL count afterwards.
 */
import fs from 'node:fs';
import v8 from 'node:v8';

/** Lists at least this long make the orchestrator prefer a small heap. */
export const SMALL_HEAP_FROM_URLS = 250_000;
/** A list file this big holds about that many URLs (64 bytes a line). */
export const SMALL_HEAP_FROM_BYTES = SMALL_HEAP_FROM_URLS * 64;

let applied = false;

function apply(): true {
  if (!applied) v8.setFlagsFromString('--optimize-for-size');
  applied = true;
  return true;
}

/** Pure: whether a list of this many bytes (before reading) or URLs (after) is long enough. */
export function wantsSmallHeap(list: { bytes: number } | { urls: number }): boolean {
  return 'bytes' in list ? list.bytes >= SMALL_HEAP_FROM_BYTES : list.urls >= SMALL_HEAP_FROM_URLS;
}

/** Before reading: switches to small-heap heuristics when the list file is big. Returns whether it did. */
export function preferSmallHeapForFile(path: string): boolean {
  let bytes: number;
  try {
    bytes = fs.statSync(path).size;
  } catch {
    return false; // the reader reports a missing or unreadable list
  }
  return wantsSmallHeap({ bytes }) && apply();
}

/** After reading: the same decision from the number of URLs (for stdin, or a terse file). */
export function preferSmallHeap(urlCount: number): boolean {
  return wantsSmallHeap({ urls: urlCount }) && apply();
}

/**
 * Pure: a URL list -> chunks for workers, each host spread evenly over the chunks.
 */
import { hostOf } from '../core/normalise-url';

/** Fewer URLs than this per chunk and the per-invocation cost (a Lambda call, IPC, a cold start) dominates. */
export const MIN_CHUNK_SIZE = 10;
/**
 * More URLs than this per chunk and one chunk's streamed records pass the 6 MB that Lambda streams
 * uncapped (about 24 KB per record at 250; after that at most 2 MB/s, see docs/deploy.md), a retried
 * chunk redoes too much work, and its run time with slow hosts (30 s timeout x retries) comes too
 * near the 15-minute Lambda limit.
 */
export const MAX_CHUNK_SIZE = 250;
/** Chunks per worker slot, so the run's tail is short when chunk durations vary. */
export const CHUNKS_PER_WORKER = 4;

/**
 * The chunk size used when the user gives none: enough chunks that every one of `concurrency`
 * workers gets about {@link CHUNKS_PER_WORKER} of them, clamped to
 * [{@link MIN_CHUNK_SIZE}, {@link MAX_CHUNK_SIZE}].
 *
 * Why four chunks per worker: chunks finish at different times (one slow host can stretch a
 * chunk), and a worker that finishes early only helps if there is another chunk left to take.
 * With one chunk per worker the run lasts as long as the slowest chunk; with four, the idle tail
 * is at most about a quarter of a worker's share. More chunks would shorten the tail further but
 * pay the per-invocation cost more often, which the lower clamp bounds.
 *
 * @example
 * defaultChunkSize(1_000_000, 100) // 250 (clamped: 2,500 would be too big)
 * defaultChunkSize(10_000, 8)      // 250 (= ceil(10000 / 32) = 313, clamped)
 * defaultChunkSize(2_000, 8)       // 63  (= ceil(2000 / 32))
 * defaultChunkSize(50, 8)          // 10  (clamped: tiny chunks cost more than they balance)
 */
export function defaultChunkSize(urlCount: number, concurrency: number): number {
  const ideal = Math.ceil(urlCount / (Math.max(1, concurrency) * CHUNKS_PER_WORKER));
  return Math.min(MAX_CHUNK_SIZE, Math.max(MIN_CHUNK_SIZE, ideal));
}

/**
 * Splits `urls` into `ceil(urls.length / chunkSize)` chunks of near-equal size (sizes differ by
 * at most one, none above `chunkSize`) so that each host's URLs are spread evenly: with `n`
 * chunks, a host with `h` URLs has `floor(h/n)` or `ceil(h/n)` of them in every chunk. So no
 * chunk is stuck behind one host's per-host limit while other chunks idle, and a host is not hit
 * by a single worker's whole concurrency. Within a chunk, hosts are interleaved
 * (a, b, c, a, b, c, ...) so a worker starting URLs in order reaches every host early.
 *
 * How: group by host (first-seen order), lay the groups end to end, deal that sequence
 * round-robin into the chunks, then interleave each chunk by host. O(n) time; every URL lands
 * in exactly one chunk. Expects URLs normalised by `normaliseUrl` (read-urls does that).
 *
 * @example
 * chunkUrls(['http://a/1', 'http://a/2', 'http://b/1', 'http://b/2'], 2)
 * // [['http://a/1', 'http://b/1'], ['http://a/2', 'http://b/2']]
 */
export function chunkUrls(urls: readonly string[], chunkSize: number): string[][] {
  if (!Number.isInteger(chunkSize) || chunkSize < 1) {
    throw new RangeError(`chunkSize must be a positive integer, got ${chunkSize}`);
  }
  const chunkCount = Math.ceil(urls.length / chunkSize);
  if (chunkCount === 0) return [];

  const byHost = new Map<string, string[]>();
  for (const url of urls) {
    const host = hostOf(url);
    const group = byHost.get(host);
    if (group === undefined) byHost.set(host, [url]);
    else group.push(url);
  }

  // Dealt round-robin, a host's contiguous run of h URLs gives each chunk floor(h/n) or ceil(h/n).
  // Each chunk keeps one list per host it received; lastGroup says whose list is at its end.
  const dealt: string[][][] = Array.from({ length: chunkCount }, () => []);
  const lastGroup = new Int32Array(chunkCount).fill(-1);
  let i = 0;
  let groupId = 0;
  for (const group of byHost.values()) {
    for (const url of group) {
      const k = i++ % chunkCount;
      const lists = dealt[k]!;
      if (lastGroup[k] === groupId) lists[lists.length - 1]!.push(url);
      else {
        lists.push([url]);
        lastGroup[k] = groupId;
      }
    }
    groupId++;
  }
  return dealt.map(interleave);
}

/** [[a1, a2], [b1], [c1, c2]] -> [a1, b1, c1, a2, c2]. */
function interleave(groups: string[][]): string[] {
  const total = groups.reduce((n, g) => n + g.length, 0);
  const out: string[] = [];
  for (let round = 0; out.length < total; round++) {
    for (const group of groups) {
      const url = group[round];
      if (url !== undefined) out.push(url);
    }
  }
  return out;
}

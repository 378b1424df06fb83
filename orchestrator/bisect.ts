/**
 * Pure: when and how a failing chunk is split so that one URL that kills its worker (a "poison"
 * URL: a page that crashes the parser, exhausts memory, or hangs the process) does not take its
 * chunk-mates down with it.
 *
 * A chunk of n URLs that crashed or timed out on every try is split in halves, and each half runs
 * with a fresh (smaller) try budget. The half without the poison URL succeeds; the other fails and
 * is split again, so the poison URL runs alone after about log2(n) rounds and alone gets
 * `worker-failed`: O(log n) extra invocations per poison URL instead of losing n URLs.
 *
 * When every invocation fails (a broken worker rather than a bad page), splitting cannot help, so
 * a chunk may be split at most {@link maxSplits} times: enough to isolate two poison URLs, and a
 * bound on the extra invocations a systemic failure costs.
 */
import { InvokeError } from './invoker';

/** Reasons that point at the chunk's content; throttles, network errors and bad answers do not. */
const SPLIT_REASONS = new Set(['crashed', 'timeout']);

/**
 * Splits a chunk's failed part at most this often: 2 x ceil(log2(size)), so two poison URLs can
 * each be isolated; past it the rest of the chunk gets `worker-failed`.
 *
 * @example
 * maxSplits(250) // 16
 * maxSplits(2)   // 2
 */
export function maxSplits(chunkSize: number): number {
  return chunkSize <= 1 ? 0 : 2 * Math.ceil(Math.log2(chunkSize));
}

/**
 * Whether a piece of a chunk that failed every try should be split rather than reported lost.
 *
 * @param size URLs of the piece still without an outcome
 * @param splitsSoFar splits already made of the piece's original chunk
 * @param splitBudget {@link maxSplits} of the original chunk's size
 */
export function shouldSplit(error: unknown, size: number, splitsSoFar: number, splitBudget: number): boolean {
  return error instanceof InvokeError && SPLIT_REASONS.has(error.reason) && size > 1 && splitsSoFar < splitBudget;
}

/**
 * Halves in order (the first gets the extra URL). Chunks are interleaved by host (chunk.ts), so
 * each half keeps a mix of hosts.
 *
 * @example
 * halve(['a', 'b', 'c']) // [['a', 'b'], ['c']]
 */
export function halve<T>(items: readonly T[]): [T[], T[]] {
  const middle = Math.ceil(items.length / 2);
  return [items.slice(0, middle), items.slice(middle)];
}

/**
 * What a scheduled crawl's checkpoint adds: the crawl's settings and counters inline, and its bulk
 * as objects beside the checkpoint, each named with its SHA-256 so a continuation can pin it:
 *
 * - `crawl/seeds.txt`: the normalised seeds, one a line (the scope is theirs), written once;
 * - `crawl/<generation>-<requestId>/seen.bin`: the seen-set's bytes (UrlHashSet.toBuffer, 8 bytes
 *   a slot: 16 MiB for a million URLs);
 * - `crawl/<generation>-<requestId>/depth-<n>.jsonl`: the admitted URLs of depth n still without a
 *   record, `[url, from]` a line (the wave in progress, and the next one found so far).
 *
 * Keys are new for every invocation, so an object a live checkpoint names is never overwritten (a
 * duplicate invocation writes its own, and loses the checkpoint's If-Match); the checkpoint itself
 * is written last. Old generations stay until the bucket's lifecycle rule expires the run.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { CrawlSettingsSchema } from '../../core/crawl-spec';
import type { CrawlSnapshot } from '../../orchestrator/crawl/crawl';
import { CheckpointMismatchError, InvalidCheckpointError } from './checkpoint-errors';
import type { ObjectStore } from './object-store';

const Count = z.number().int().min(0);
const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a hex SHA-256');
/** An object of the crawl's state and the SHA-256 of what was written. */
const StoredSchema = z.strictObject({ key: z.string().min(1), sha256: Sha256 });

export const CrawlStateSchema = z.strictObject({
  /** The schedule's crawl settings, as its input gave them. */
  settings: CrawlSettingsSchema,
  seeds: StoredSchema,
  seen: StoredSchema,
  /** One object per depth that has URLs left. */
  frontier: z.array(StoredSchema.extend({ depth: Count })),
  /** Crawl.snapshot's counters (orchestrator/crawl/crawl.ts CrawlProgress). */
  progress: z.strictObject({
    depth: z.number().int().min(-1),
    waves: Count,
    pagesByDepth: z.array(Count),
    admitted: Count,
    done: Count,
    overMaxPages: Count,
  }),
  /** URLs in the seen-set, and its table's bytes: for the summary. */
  seenUrls: Count,
  seenBytes: Count,
});
export type CrawlState = z.output<typeof CrawlStateSchema>;

/** Where a run's crawl state lives; every key of a CrawlState must be under it. */
export const crawlPrefix = (runPrefix: string) => `${runPrefix}crawl/`;
export const crawlSeedsKey = (runPrefix: string) => `${crawlPrefix(runPrefix)}seeds.txt`;
const generationPrefix = (runPrefix: string, generation: number, requestId: string) => `${crawlPrefix(runPrefix)}${String(generation).padStart(5, '0')}-${requestId}/`;

/** The keys of `state`, for the checkpoint's check that each stays under the run's `crawl/`. */
export function crawlStateKeys(state: CrawlState): string[] {
  return [state.seeds.key, state.seen.key, ...state.frontier.map((f) => f.key)];
}

/** Writes the seeds object of a new crawl (once, at its start); returns how the state names it. */
export async function saveSeeds(store: ObjectStore, runPrefix: string, seeds: readonly string[]): Promise<CrawlState['seeds']> {
  const key = crawlSeedsKey(runPrefix);
  const text = seeds.join('\n');
  await store.put(key, text, { ifNoneMatch: '*' });
  return { key, sha256: sha256(text) };
}

/** Writes `snapshot` as the objects of generation `generation`; returns the state that names them. */
export async function saveCrawlState(
  store: ObjectStore,
  at: { runPrefix: string; generation: number; requestId: string },
  snapshot: CrawlSnapshot,
  rest: Pick<CrawlState, 'settings' | 'seeds' | 'seenUrls' | 'seenBytes'>,
): Promise<CrawlState> {
  const prefix = generationPrefix(at.runPrefix, at.generation, at.requestId);
  const seen = { key: `${prefix}seen.bin`, sha256: sha256(snapshot.seen) };
  await store.putBytes(seen.key, snapshot.seen, { ifNoneMatch: '*' });
  const frontier: CrawlState['frontier'] = [];
  for (const { depth, text } of snapshot.frontier) {
    const key = `${prefix}depth-${depth}.jsonl`;
    await store.put(key, text, { ifNoneMatch: '*' });
    frontier.push({ depth, key, sha256: sha256(text) });
  }
  return { ...rest, seen, frontier, progress: snapshot.progress };
}

/**
 * Reads back the objects `state` names, each checked against its SHA-256: a changed one is refused
 * (CheckpointMismatchError), as a changed checkpoint is. Returns the seeds and the snapshot.
 * @throws InvalidCheckpointError (an object missing, or not a seen-set), CheckpointMismatchError
 */
export async function loadCrawlState(store: ObjectStore, state: CrawlState): Promise<{ seeds: string[]; snapshot: CrawlSnapshot }> {
  const seedsText = await text(store, state.seeds);
  const seen = await store.getBytes(state.seen.key);
  if (!seen) throw new InvalidCheckpointError('the object is missing', state.seen.key);
  pin(state.seen, seen.bytes);
  const frontier: CrawlSnapshot['frontier'] = [];
  for (const stored of state.frontier) frontier.push({ depth: stored.depth, text: await text(store, stored) });
  return { seeds: seedsText.split('\n').filter((line) => line !== ''), snapshot: { seen: seen.bytes, frontier, progress: state.progress } };
}

async function text(store: ObjectStore, stored: z.output<typeof StoredSchema>): Promise<string> {
  const object = await store.get(stored.key);
  if (!object) throw new InvalidCheckpointError('the object is missing', stored.key);
  pin(stored, object.body);
  return object.body;
}

function pin(stored: z.output<typeof StoredSchema>, body: string | Uint8Array): void {
  const actual = sha256(body);
  if (actual !== stored.sha256) throw new CheckpointMismatchError('sha256', stored.sha256, actual, stored.key);
}

function sha256(body: string | Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}

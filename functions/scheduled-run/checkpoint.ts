/**
 * A scheduled run's checkpoint: everything a fresh invocation needs to carry on the run.
 * Written to `runs/<schedule>/<timestamp>/checkpoint.json` after every invocation, conditionally on
 * the version read, so exactly one invocation advances each generation.
 *
 * Read back, it is untrusted input (anyone who may write `runs/*` can change it): validated with the
 * schema it is written with, and pinned by the continuation event to its run, its list and its
 * exact content (verifyCheckpoint), so it cannot turn allowPrivate on or copy other objects into
 * the results.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ErrorKindSchema } from '../../core/contract';
import { formatZodError } from '../../core/zod-error';
import { ListKeySchema, RUNS_PREFIX, RunSettingsSchema, ScheduleNameSchema, type ContinueInput } from '../../core/schedule-input';
import type { RunCounts } from '../../report/summary-builder';
import { CheckpointMismatchError, InvalidCheckpointError } from './checkpoint-errors';
import { crawlPrefix, CrawlStateSchema, crawlStateKeys } from './crawl-state';

export type { RunCounts } from '../../report/summary-builder';
export { emptyCounts } from '../../report/summary-builder';

/**
 * Bumped when the shape changes; 2 added `listKey` (and continuations that pin the checkpoint).
 * `crawl` came later as an optional field: version 2 checkpoints of list runs are still valid.
 */
export const CHECKPOINT_VERSION = 2;

const Count = z.number().int().min(0);

/** summary-builder.ts's RunCounts, as a checkpoint carries them. */
export const RunCountsSchema = z.strictObject({
  records: Count,
  ok: Count,
  failed: Count,
  failedByKind: z.partialRecord(ErrorKindSchema, Count),
  byStatus: z.record(z.string(), Count).optional(),
  bytes: Count,
}) satisfies z.ZodType<RunCounts>;

export const CheckpointSchema = z
  .strictObject({
    version: z.literal(CHECKPOINT_VERSION),
    runId: z.string().min(1),
    schedule: ScheduleNameSchema,
    /** The list object the run reads, or null for an inline list. */
    listKey: ListKeySchema.nullable(),
    /** `runs/<schedule>/<timestamp>/`: every key the run writes is under it. */
    runPrefix: z.string().startsWith(RUNS_PREFIX).endsWith('/'),
    startedAt: z.iso.datetime(),
    /** Bumped by every invocation that advances the run. */
    generation: Count,
    invocations: Count,
    settings: RunSettingsSchema,
    /** The list as read (blank and # lines `skipped`). */
    input: z.strictObject({ lines: Count, skipped: Count.optional(), valid: Count, duplicates: Count, invalid: Count }),
    /** URLs without a record yet (robots.txt-allowed ones only: robots.txt is read once, by the first invocation). */
    pending: z.array(z.string().min(1)),
    /**
     * robots.txt Crawl-delays found by the first invocation, ms by host key (`host:port`): each
     * invocation rebuilds the run's HostBudget with them.
     */
    crawlDelayMs: z.record(z.string(), Count).optional(),
    /**
     * Epoch ms before which the next invocation may not start a request to a host with a Crawl-delay:
     * the gap after the previous invocation's last request there, so a quick handover cannot shorten it.
     * Absent until the first invocation has run.
     */
    hostNotBefore: z.record(z.string(), z.number().min(0)).optional(),
    /** robots.txt files the first invocation fetched (0 with `robots: 'ignore'`). */
    robotsFetches: Count.optional(),
    /** A scheduled crawl's state (crawl-state.ts); absent for a list run, whose `pending` is then the work left. */
    crawl: CrawlStateSchema.optional(),
    /** JSONL part objects written so far, in order; results.jsonl is their concatenation. */
    parts: z.array(z.string()),
    counts: RunCountsSchema,
    done: z.boolean(),
  })
  .superRefine((checkpoint, ctx) => {
    // The keys the run writes and concatenates into results.jsonl stay inside its own prefix.
    const { runPrefix, schedule } = checkpoint;
    if (!runPrefix.startsWith(`${RUNS_PREFIX}${schedule}/`) || runPrefix.includes('..')) {
      ctx.addIssue({ code: 'custom', path: ['runPrefix'], message: `must be under ${RUNS_PREFIX}${schedule}/ without ".."` });
    }
    checkpoint.parts.forEach((part, i) => {
      if (!part.startsWith(`${runPrefix}parts/`) || part.includes('..')) {
        ctx.addIssue({ code: 'custom', path: ['parts', i], message: `must be a part of this run (under ${runPrefix}parts/)` });
      }
    });
    // The crawl's objects too: a continuation reads them, and fetches the URLs they hold.
    if (checkpoint.crawl) {
      for (const key of crawlStateKeys(checkpoint.crawl)) {
        if (!key.startsWith(crawlPrefix(runPrefix)) || key.includes('..')) {
          ctx.addIssue({ code: 'custom', path: ['crawl'], message: `${key} must be under ${crawlPrefix(runPrefix)} without ".."` });
        }
      }
    }
  });

/** A scheduled run's checkpoint, as written and as read back. */
export type Checkpoint = z.output<typeof CheckpointSchema>;

/** The checkpoint's JSON and the SHA-256 a continuation pins it with. */
export function encodeCheckpoint(checkpoint: Checkpoint): { body: string; sha256: string } {
  const body = JSON.stringify(checkpoint);
  return { body, sha256: sha256(body) };
}

/** The continuation event that carries on from `checkpoint`, pinning it. */
export function continuationOf(checkpoint: Checkpoint, sha: string): ContinueInput {
  const { runPrefix, generation, runId, listKey } = checkpoint;
  return { continue: { runPrefix, generation, runId, listKey, sha256: sha } };
}

/**
 * Reads back the checkpoint `body` (stored at `key`) for the continuation `pin`: it must parse with
 * {@link CheckpointSchema}, be the pinned run's (prefix, run id, list), and, unless another invocation
 * has moved the run on since (`stale`), be byte for byte what the previous invocation wrote.
 * @throws InvalidCheckpointError, CheckpointMismatchError
 */
export function verifyCheckpoint(body: string, key: string, pin: ContinueInput['continue']): { checkpoint: Checkpoint; stale: boolean } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (cause) {
    throw new InvalidCheckpointError(`not JSON (${(cause as Error).message})`, key, { cause });
  }
  const parsed = CheckpointSchema.safeParse(json);
  if (!parsed.success) throw new InvalidCheckpointError(formatZodError(parsed.error), key);
  const checkpoint = parsed.data;
  for (const field of ['runPrefix', 'runId', 'listKey'] as const) {
    if (checkpoint[field] !== pin[field]) throw new CheckpointMismatchError(field, pin[field], checkpoint[field], key);
  }
  // A duplicate or late continuation: another invocation already moved the run on (and rewrote it).
  if (checkpoint.done || checkpoint.generation !== pin.generation) return { checkpoint, stale: true };
  const actual = sha256(body);
  if (actual !== pin.sha256) throw new CheckpointMismatchError('sha256', pin.sha256, actual, key);
  return { checkpoint, stale: false };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export const checkpointKey = (runPrefix: string) => `${runPrefix}checkpoint.json`;
export const resultsKey = (runPrefix: string) => `${runPrefix}results.jsonl`;
export const summaryKey = (runPrefix: string) => `${runPrefix}summary.json`;
export const partKey = (runPrefix: string, generation: number, requestId: string, n: number) =>
  `${runPrefix}parts/${String(generation).padStart(5, '0')}-${requestId}-${String(n).padStart(4, '0')}.jsonl`;

/** `runs/<schedule>/<2024-01-02T03-04-05-678Z>/`: sortable, and free of characters S3 consoles escape. */
export function runPrefixFor(schedule: string, startedAt: Date): string {
  return `runs/${schedule}/${startedAt.toISOString().replace(/[:.]/g, '-')}/`;
}

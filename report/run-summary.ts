/**
 * What the report reads from the run's summary.json (written by the CLI at the end of a run).
 * Every field is optional, and a field of the wrong type is dropped rather than failing the whole
 * summary: an older or newer CLI must still get a report.
 */
import { z } from 'zod';

/** A field that is dropped (undefined) when absent or malformed. */
const tolerant = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

const countSchema = tolerant(z.number().int().min(0));

export const RunSummarySchema = z
  .object({
    runId: tolerant(z.string()),
    /** Which back end ran the chunks. Cost is estimated only for `lambda`. */
    mode: tolerant(z.string()),
    /** ISO 8601 time the run started. */
    startedAt: tolerant(z.string()),
    /** ISO 8601 time the run finished. */
    finishedAt: tolerant(z.string()),
    /** Wall time of the whole run, in ms. */
    wallMs: tolerant(z.number().min(0)),
    counts: tolerant(
      z
        .object({
          /** Input lines that were URLs (before de-duplication). */
          urls: countSchema,
          ok: countSchema,
          failed: countSchema,
          /** Input URLs dropped as duplicates of an earlier line. */
          duplicates: countSchema,
          /** Input lines that were not http(s) URLs. */
          invalid: countSchema,
          bytes: countSchema,
          chunks: countSchema,
        })
        .loose(),
    ),
    /** The options the run used (scrape options and run options), shown as given. */
    options: tolerant(z.record(z.string(), z.unknown())),
    lambda: tolerant(
      z
        .object({
          functionName: tolerant(z.string()),
          /** Memory size of the worker function, in MB. */
          memoryMb: tolerant(z.number().positive()),
          /** Sum of billed duration over all invocations, in ms. */
          billedMs: tolerant(z.number().min(0)),
          /** Invocations made (including retries). */
          invocations: countSchema,
          architecture: tolerant(z.enum(['arm64', 'x86_64'])),
        })
        .loose(),
    ),
    /** Cumulative completions sampled over the run: `t` seconds since start, `done` records so far. */
    timeline: tolerant(z.array(z.object({ t: z.number().min(0), done: z.number().min(0) }))),
  })
  .loose();

export type RunSummary = z.output<typeof RunSummarySchema>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Maps the summary `fanout run --summary` writes (cli/summary.ts: `input`, `records`,
 * `timeline` as `[seconds, done]` pairs) onto the fields the report reads. Anything already in the
 * report's shape passes through unchanged.
 */
export function fromCliSummary(json: unknown): unknown {
  if (!isObject(json) || !isObject(json.input) || json.counts !== undefined) return json;
  const input = json.input;
  const started = typeof json.startedAt === 'string' ? Date.parse(json.startedAt) : NaN;
  return {
    ...json,
    finishedAt: Number.isFinite(started) && typeof json.wallMs === 'number' ? new Date(started + json.wallMs).toISOString() : undefined,
    counts: {
      urls: input.valid,
      ok: json.ok,
      failed: json.failed,
      duplicates: input.duplicate,
      invalid: input.invalid,
      bytes: json.bytes,
    },
    timeline: Array.isArray(json.timeline)
      ? json.timeline.map((p: unknown) => (Array.isArray(p) ? { t: p[0], done: p[1] } : p))
      : undefined,
  };
}

/**
 * Parses summary.json text. Returns the summary, or an error message when the text is not a
 * JSON object (the report then says so and carries on without it).
 */
export function parseRunSummary(text: string): { summary: RunSummary } | { error: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { error: `summary is not JSON: ${(err as Error).message}` };
  }
  const parsed = RunSummarySchema.safeParse(fromCliSummary(json));
  if (!parsed.success) return { error: 'summary is not a JSON object' };
  return { summary: parsed.data };
}

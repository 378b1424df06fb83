/**
 * Reads summary.json for the report, with core/summary.ts's schema, the one the writers use. The
 * report must still be made from an older or newer summary, so a top-level field that does not
 * match the schema is dropped (and the rest kept) rather than failing the whole summary.
 */
import { RunSummarySchema, type RunSummary } from '../core/summary';

/** What the report knows of a run: any subset of summary.json's fields. */
export type ReportSummary = Partial<RunSummary>;

const Lenient = RunSummarySchema.partial();

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The fields of `json` that match the summary schema; a non-object gives undefined. */
export function toReportSummary(json: unknown): ReportSummary | undefined {
  if (!isObject(json)) return undefined;
  let candidate: Record<string, unknown> = { ...json };
  // Each pass drops the top-level fields an issue points at; a field can only be dropped once.
  for (let pass = 0; pass <= Object.keys(json).length; pass++) {
    const parsed = Lenient.safeParse(candidate);
    if (parsed.success) return parsed.data;
    const bad = new Set(parsed.error.issues.map((issue) => String(issue.path[0])));
    candidate = Object.fromEntries(Object.entries(candidate).filter(([key]) => !bad.has(key)));
  }
  return undefined;
}

/**
 * Parses summary.json text. Returns the summary, or an error message when the text is not a
 * JSON object (the report then says so and carries on without it).
 */
export function parseRunSummary(text: string): { summary: ReportSummary } | { error: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { error: `summary is not JSON: ${(err as Error).message}` };
  }
  const summary = toReportSummary(json);
  return summary === undefined ? { error: 'summary is not a JSON object' } : { summary };
}

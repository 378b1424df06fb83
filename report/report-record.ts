/**
 * The part of a results line the report needs, validated with schemas picked from the shared
 * contract (so a field cannot drift), ignoring the rest (links, data, title…): cheaper on a
 * 1M-line file, and a record with extra fields from a newer writer still counts.
 */
import { z } from 'zod';
import { FailureOutcomeSchema, SuccessOutcomeSchema } from '../core/contract';

/**
 * Proposed, not yet in the contract: `at`, ms since the run started when the orchestrator
 * received the record. With it, a report built from the file alone can draw throughput.
 */
const at = z.number().min(0).optional();

export const ReportRecordSchema = z.discriminatedUnion('ok', [
  SuccessOutcomeSchema.pick({ url: true, ok: true, status: true, bytes: true, ms: true, attempts: true }).extend({ at }),
  FailureOutcomeSchema.pick({ url: true, ok: true, error: true, attempts: true, ms: true }).extend({ at }),
]);

/** A results record as the report sees it (an `Outcome`, plus the proposed `at`). */
export type ReportRecord = z.infer<typeof ReportRecordSchema>;

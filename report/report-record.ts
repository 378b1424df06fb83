/**
 * The part of a results line the report needs, validated with schemas picked from the shared
 * contract (so a field cannot drift), ignoring the rest (links, data, title…): cheaper on a
 * 1M-line file, and a record with extra fields from a newer writer still counts.
 */
import { z } from 'zod';
import { FailureOutcomeSchema, SuccessOutcomeSchema } from '../core/contract';

export const ReportRecordSchema = z.discriminatedUnion('ok', [
  SuccessOutcomeSchema.pick({ url: true, ok: true, status: true, bytes: true, ms: true, attempts: true, at: true }),
  FailureOutcomeSchema.pick({ url: true, ok: true, error: true, attempts: true, ms: true, at: true }),
]);

/** A results record as the report sees it: the fields of an `Outcome` it uses, `at` (when written) included. */
export type ReportRecord = z.infer<typeof ReportRecordSchema>;

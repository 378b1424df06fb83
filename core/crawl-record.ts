/**
 * A crawl's record: a run's record (contract.ts) plus where the crawl found the URL. One schema
 * for the writer (`fanout crawl`) and the readers (`--resume`, a scheduled crawl's checkpoint).
 */
import { z } from 'zod';
import { OutcomeSchema, type Outcome } from './contract';

/** What a crawl adds to a record. */
export const CrawlFieldsSchema = z.object({
  /** Link hops from a seed: 0 for the seeds. */
  depth: z.number().int().min(0),
  /** The page whose record first reported a link to this URL; null for the seeds. */
  from: z.string().nullable(),
});
export type CrawlFields = z.infer<typeof CrawlFieldsSchema>;

/** A record of `fanout crawl`: one per URL the crawl reached, exactly as `fanout run` writes it plus `depth` and `from`. */
export const CrawlRecordSchema = z.intersection(OutcomeSchema, CrawlFieldsSchema);
export type CrawlRecord = Outcome & CrawlFields;

/** `outcome` with the crawl's fields, after the outcome's own (so they end each JSONL line). */
export function crawlRecord(outcome: Outcome, fields: CrawlFields): CrawlRecord {
  return { ...outcome, depth: fields.depth, from: fields.from };
}

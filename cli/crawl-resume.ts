/**
 * `fanout crawl … --resume`: reads the records an interrupted crawl wrote and feeds them back to the
 * crawl in file order (orchestrator/crawl/crawl.ts re-makes its admissions from them), then repairs
 * the file's end so appended records stay on lines of their own, as `fanout run --resume` does.
 * Memory: the crawl's hash sets, never a Set of the URLs (a crawl's output can hold millions).
 */
import fs from 'node:fs';
import { CrawlFieldsSchema } from '../core/crawl-record';
import { UsageError } from '../core/errors';
import type { Crawl } from '../orchestrator/crawl/crawl';
import { repairTail } from './resume';
import { ResultsFileError, scanResults } from './results-file';

export interface CrawlResumeState {
  /** Records found in the file. */
  records: number;
  /** Of the invalid seed lines, those that already have their record. */
  invalidDone: Set<string>;
  repaired?: 'cut-partial-line' | 'added-newline';
}

/** Replays `out` (a missing file is an empty one) into `crawl`. Throws UsageError / ResultsFileError naming the file and the fix. */
export async function resumeCrawl(out: string | undefined, format: string, crawl: Crawl, invalidSeeds: ReadonlySet<string>): Promise<CrawlResumeState> {
  if (out === undefined || out === '-') throw new UsageError('--resume needs -o <file>: it reads the records already there and appends the rest of the crawl');
  if (format !== 'jsonl') throw new UsageError(`--resume works with --format jsonl only (a ${format} file cannot be appended to and stay valid)`);
  const state: CrawlResumeState = { records: 0, invalidDone: new Set() };
  if (!fs.existsSync(out)) return state;
  const scan = await scanResults(out, async ({ record, text }) => {
    if (invalidSeeds.has(record.url)) {
      state.invalidDone.add(record.url);
      return;
    }
    const fields = CrawlFieldsSchema.safeParse(JSON.parse(text));
    if (!fields.success) {
      throw new ResultsFileError(`${out} has a record without depth and from (${record.url}): it is not the output of fanout crawl; resume a crawl with its own -o file`, out);
    }
    await crawl.replay({ ...record, ...fields.data });
  });
  state.records = scan.records;
  const repaired = await repairTail(out, scan);
  if (repaired !== undefined) state.repaired = repaired;
  return state;
}

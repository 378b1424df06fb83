/**
 * `fanout run --resume`: finish a run that was interrupted (Ctrl-C, a crash, a lost machine)
 * without doing any URL twice. Reads the output file first, skips every URL that already has a
 * record there (of any kind: use `fanout retry` to run failures again), and appends the rest.
 * So each URL still has exactly one record in the file.
 */
import fs from 'node:fs';
import { UsageError } from '../core/errors';
import type { UrlList } from '../orchestrator';
import { scanResults } from './results-file';

export interface ResumeState {
  /** URLs (and invalid lines, as written) that already have a record. */
  recorded: Set<string>;
  /** Records found in the file. */
  records: number;
  /** What was repaired at the end of the file so appending keeps it valid JSONL. */
  repaired?: 'cut-partial-line' | 'added-newline';
}

/**
 * Reads the records already in `out` (a missing file is an empty one) and repairs its end so that
 * appended records stay on lines of their own: a last line cut short by an interrupted write is
 * removed (its URL runs again), a whole last record without a newline gets one.
 * Throws {@link UsageError} when there is no file to resume into, and ResultsFileError when the file is not JSONL records.
 */
export async function openResume(out: string | undefined, format: string): Promise<ResumeState> {
  if (out === undefined || out === '-') {
    throw new UsageError('--resume needs -o <file>: it reads the records already there and appends the URLs that have none');
  }
  if (format !== 'jsonl') {
    throw new UsageError(`--resume works with --format jsonl only (a ${format} file cannot be appended to and stay valid)`);
  }
  const recorded = new Set<string>();
  if (!fs.existsSync(out)) return { recorded, records: 0 };
  // A file that is not JSONL records throws ResultsFileError, naming the file, the line and the fix.
  const scan = await scanResults(out, ({ record }) => void recorded.add(record.url));
  const repaired = await repairTail(out, scan);
  return { recorded, records: scan.records, ...(repaired === undefined ? {} : { repaired }) };
}

/**
 * Makes `out` safe to append to after a scan: cuts a partial last line (a run killed mid-write),
 * or adds the missing final newline. Returns what it did, if anything.
 */
export async function repairTail(out: string, scan: { partialTailAt?: number; missingFinalNewline?: boolean }): Promise<ResumeState['repaired']> {
  if (scan.partialTailAt !== undefined) {
    await fs.promises.truncate(out, scan.partialTailAt);
    return 'cut-partial-line';
  }
  if (scan.missingFinalNewline) {
    await fs.promises.appendFile(out, '\n');
    return 'added-newline';
  }
  return undefined;
}

/** The part of `list` that has no record yet: URLs, and invalid lines, not in `recorded`. */
export function skipRecorded(list: UrlList, recorded: ReadonlySet<string>): UrlList {
  return {
    urls: list.urls.filter((url) => !recorded.has(url)),
    invalid: list.invalid.filter((outcome) => !recorded.has(outcome.url)),
    counts: list.counts,
  };
}

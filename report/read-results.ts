/**
 * Streams a JSONL results file into a {@link ReportAggregator}, one line at a time, so memory does
 * not grow with the file. A line that is not a valid record is counted and kept as an example.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { formatZodError } from '../core/contract';
import { ReportInputError } from './errors';
import type { ReportAggregator } from './report-aggregator';
import { ReportRecordSchema } from './report-record';

/** Feeds every line of `resultsPath` to `aggregator`; resolves with the number of lines read. */
export async function readResultsInto(resultsPath: string, aggregator: ReportAggregator): Promise<number> {
  const input = createReadStream(resultsPath, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  try {
    for await (const line of lines) {
      lineNo += 1;
      if (line.trim() === '') continue;
      addLine(aggregator, lineNo, line);
    }
  } catch (err) {
    throw new ReportInputError(`cannot read results file ${resultsPath}: ${(err as Error).message}`, resultsPath, {
      cause: err,
    });
  } finally {
    lines.close();
    input.destroy();
  }
  return lineNo;
}

/** Parses and validates one line; a bad line becomes a counted example, never an exception. */
export function addLine(aggregator: ReportAggregator, lineNo: number, line: string): void {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (err) {
    aggregator.addBadLine(lineNo, `not JSON: ${(err as Error).message}`, line);
    return;
  }
  const parsed = ReportRecordSchema.safeParse(json);
  if (parsed.success) aggregator.add(parsed.data);
  else aggregator.addBadLine(lineNo, `not a record: ${formatZodError(parsed.error)}`, line);
}

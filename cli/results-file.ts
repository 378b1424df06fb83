/**
 * Reads a JSONL results file written by `fanout run`, streaming (a million records never sit in
 * memory), for `run --resume` and `retry`. Knows what an interrupted writer can leave behind.
 */
import fs from 'node:fs';
import { OutcomeSchema, formatZodError, type Outcome } from '../core/contract';
import { FanoutError } from '../core/errors';

/** The results file cannot be used: it is missing, unreadable, or a line is not a fanout record. */
export class ResultsFileError extends FanoutError {
  override readonly name = 'ResultsFileError';
  readonly code = 'FANOUT_RESULTS_FILE';
  override readonly userFacing = true;
  constructor(
    message: string,
    readonly file: string,
    /** 1-based line number of the bad line, if one is to blame. */
    readonly line?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** One record of the file, parsed, with its line as written (so it can be copied byte for byte). */
export interface ResultsLine {
  record: Outcome;
  text: string;
}

export interface ScanResult {
  /** Records read (duplicates included). */
  records: number;
  /** File size in bytes when read. */
  bytes: number;
  /**
   * The file ends in a line cut short (a run killed mid-write): its byte offset. That line is not
   * a record; cut the file here before appending.
   */
  partialTailAt?: number;
  /** The last line is a whole record but has no newline: add one before appending. */
  missingFinalNewline: boolean;
}

/**
 * Calls `onLine` for every record of a JSONL results file, in order. Blank lines are skipped. A
 * last line without a newline that does not parse is an interrupted write: reported in
 * `partialTailAt`, not an error. Any other line that is not a record throws
 * {@link ResultsFileError} naming the line.
 */
export async function scanResults(file: string, onLine: (line: ResultsLine) => void | Promise<void>): Promise<ScanResult> {
  let stream: fs.ReadStream;
  try {
    await fs.promises.access(file, fs.constants.R_OK);
    stream = fs.createReadStream(file);
  } catch (error) {
    throw new ResultsFileError(`cannot read results file ${file} (${(error as Error).message}); check the path`, file, undefined, { cause: error });
  }
  let carry = Buffer.alloc(0);
  let offset = 0; // byte offset of carry[0]
  let lineNo = 0;
  let records = 0;
  const parse = (text: string): Outcome | string => {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      return `not JSON: ${(error as Error).message}`;
    }
    const parsed = OutcomeSchema.safeParse(json);
    return parsed.success ? parsed.data : formatZodError(parsed.error);
  };
  const handle = async (bytes: Buffer) => {
    lineNo++;
    const text = bytes.toString('utf8').replace(/\r$/, '');
    if (text.trim() === '') return;
    const record = parse(text);
    if (typeof record === 'string') {
      throw new ResultsFileError(`${file} line ${lineNo} is not a fanout record (${record}); fix or delete that line`, file, lineNo);
    }
    records++;
    await onLine({ record, text });
  };
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let data = carry.length === 0 ? chunk : Buffer.concat([carry, chunk]);
    for (let newline = data.indexOf(0x0a); newline !== -1; newline = data.indexOf(0x0a)) {
      await handle(data.subarray(0, newline));
      offset += newline + 1;
      data = data.subarray(newline + 1);
    }
    carry = Buffer.from(data);
  }
  const result: ScanResult = { records, bytes: offset + carry.length, missingFinalNewline: false };
  if (carry.length > 0 && carry.toString('utf8').trim() !== '') {
    const text = carry.toString('utf8');
    const record = parse(text);
    if (typeof record === 'string') result.partialTailAt = offset;
    else {
      lineNo++;
      records++;
      result.records = records;
      result.missingFinalNewline = true;
      await onLine({ record, text });
    }
  }
  return result;
}

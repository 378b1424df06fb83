/**
 * Reads a URL list (a file or stdin) as a stream of lines: comments and blank lines skipped,
 * each URL normalised and de-duplicated, each bad line turned into an `invalid-url` outcome.
 */
import fs from 'node:fs';
import readline from 'node:readline';
import type { Readable } from 'node:stream';
import type { FailureOutcome } from '../core/contract';
import { normaliseUrl } from '../core/normalise-url';
import { FanoutError } from '../core/errors';

/** A NUL byte within this many leading bytes means the "list" is not text. */
export const BINARY_SNIFF_BYTES = 8 * 1024;

export type ListErrorReason = 'not-found' | 'unreadable' | 'not-a-file' | 'binary';

/** The URL list cannot be read at all; `message` names the file and says what to do. */
export class ListError extends FanoutError {
  override readonly name = 'ListError';
  readonly code = 'FANOUT_LIST';
  override readonly userFacing = true;
  constructor(
    message: string,
    readonly reason: ListErrorReason,
    /** The path as given, or `<stdin>`. */
    readonly file: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface UrlListCounts {
  /** Lines read, of every kind. */
  lines: number;
  /** Lines holding a valid URL, duplicates included (`urls.length === valid - duplicates`). */
  valid: number;
  /** Valid lines whose normalised URL was already in the list. */
  duplicates: number;
  /** Lines that are not absolute http(s) URLs (one `invalid-url` outcome each). */
  invalid: number;
  /** Blank lines and `#` comments. */
  skipped: number;
}

export interface UrlList {
  /** Normalised, unique URLs in first-seen order. */
  urls: string[];
  /** One `invalid-url` outcome per bad line, `url` being the line as given (trimmed). */
  invalid: FailureOutcome[];
  counts: UrlListCounts;
}

/**
 * Reads a URL list, one URL per line, from a file path or a stream (e.g. `process.stdin`).
 * Lines are trimmed; a UTF-8 BOM and CRLF endings are handled. Throws {@link ListError} only
 * when the list cannot be read at all (missing, unreadable, a directory, binary); a bad line
 * never stops the read.
 *
 * Memory: the URL strings plus one Set entry each, and one small object per invalid line.
 *
 * @example
 * const { urls, invalid, counts } = await readUrls('urls.txt');
 * const { urls } = await readUrls(process.stdin);
 */
export async function readUrls(source: string | Readable): Promise<UrlList> {
  const file = typeof source === 'string' ? source : '<stdin>';
  const input = typeof source === 'string' ? await openList(source) : source;
  const urls: string[] = [];
  const seen = new Set<string>();
  const invalid: FailureOutcome[] = [];
  const counts: UrlListCounts = { lines: 0, valid: 0, duplicates: 0, invalid: 0, skipped: 0 };

  let streamError: unknown;
  const rl = readline.createInterface({ input, crlfDelay: Infinity });
  input.once('error', (error) => {
    streamError = error;
    rl.close();
  });
  let charsRead = 0;
  try {
    for await (const raw of rl) {
      if (charsRead < BINARY_SNIFF_BYTES && raw.includes('\u0000')) throw binaryError(file);
      charsRead += raw.length + 1;
      counts.lines++;
      const line = (counts.lines === 1 ? raw.replace(/^\uFEFF/, '') : raw).trim();
      if (line === '' || line.startsWith('#')) {
        counts.skipped++;
        continue;
      }
      const result = normaliseUrl(line);
      if (!result.ok) {
        counts.invalid++;
        invalid.push({ url: line, ok: false, error: { kind: 'invalid-url', message: result.reason }, attempts: 0 });
        continue;
      }
      counts.valid++;
      if (seen.has(result.url)) {
        counts.duplicates++;
        continue;
      }
      seen.add(result.url);
      urls.push(result.url);
    }
  } catch (error) {
    throw error instanceof ListError ? error : readError(file, error);
  } finally {
    rl.close();
    if (typeof source === 'string') input.destroy();
  }
  if (streamError !== undefined) throw readError(file, streamError);
  return { urls, invalid, counts };
}

/** Opens the file, checking up front what would otherwise fail late or silently. */
async function openList(path: string): Promise<Readable> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(path, 'r');
  } catch (error) {
    throw readError(path, error);
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) {
      throw new ListError(`URL list ${path} is a directory; pass a text file with one URL per line`, 'not-a-file', path);
    }
    const head = Buffer.alloc(BINARY_SNIFF_BYTES);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    if (head.subarray(0, bytesRead).includes(0)) throw binaryError(path);
  } catch (error) {
    await handle.close();
    throw error instanceof ListError ? error : readError(path, error);
  }
  return handle.createReadStream({ start: 0, encoding: 'utf8' });
}

function binaryError(file: string): ListError {
  return new ListError(`URL list ${file} looks binary (it has NUL bytes); pass a UTF-8 text file with one URL per line (UTF-16 files must be converted)`, 'binary', file);
}

function readError(file: string, error: unknown): ListError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') {
    return new ListError(`URL list ${file} does not exist; check the path`, 'not-found', file, { cause: error });
  }
  if (code === 'EISDIR') {
    return new ListError(`URL list ${file} is a directory; pass a text file with one URL per line`, 'not-a-file', file, { cause: error });
  }
  const why = error instanceof Error ? error.message : String(error);
  const fix = code === 'EACCES' || code === 'EPERM' ? 'check its permissions' : 'check the file';
  return new ListError(`cannot read URL list ${file} (${why}); ${fix}`, 'unreadable', file, { cause: error });
}

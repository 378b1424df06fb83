/**
 * Reads a streamed worker response (InvokeWithResponseStream's `EventStream`) into WorkerMessages
 * (or, for a `sitemaps` event, SitemapsMessages):
 * `PayloadChunk` bytes are NDJSON cut anywhere, even inside a UTF-8 character, so they are decoded
 * with one streaming decoder and split into whole lines; each line is one WorkerMessage.
 *
 * Records are handed on the moment their line is complete. Whatever ends the stream other than an
 * `end` line followed by a clean `InvokeComplete` is an {@link InvokeError}, thrown after every
 * record before it was delivered, so the run loop retries only the URLs still without one.
 */
import type { InvokeWithResponseStreamResponseEvent } from '@aws-sdk/client-lambda';
import { WorkerMessageSchema, formatZodError, type Outcome, type WorkerEnd } from '../../core/contract';
import { SitemapsMessageSchema, type SitemapRecord, type SitemapsEnd } from '../../core/sitemap-contract';
import { InvokeError } from '../invoker';
import { classifyStreamError, WorkerRefusedError } from './lambda-errors';

/** Whole lines out of a byte stream cut at arbitrary points. */
export class LineSplitter {
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });
  private partial = '';

  /** The lines completed by `bytes` (without their newline). */
  push(bytes: Uint8Array): string[] {
    const lines = (this.partial + this.decoder.decode(bytes, { stream: true })).split('\n');
    this.partial = lines.pop() ?? '';
    return lines;
  }

  /** What is left after the last newline, once the stream is over ('' if it ended on one). */
  flush(): string {
    const rest = this.partial + this.decoder.decode();
    this.partial = '';
    return rest;
  }
}

/**
 * Consumes `events` for chunk `chunkId`, calling `onRecord` for each record line, and resolves with
 * the end message. Rejects with an InvokeError: the function's error (`InvokeComplete.ErrorCode`:
 * 'timeout' or 'crashed'), a line that is not a WorkerMessage or a stream without an end line
 * ('bad-response'), or a stream that broke before `InvokeComplete` ('network'); or with a
 * WorkerRefusedError when the worker refused the event (no retry can help).
 */
export async function readWorkerStream(
  events: AsyncIterable<InvokeWithResponseStreamResponseEvent>,
  chunkId: string,
  onRecord: (record: Outcome) => void,
): Promise<WorkerEnd> {
  return readMessageStream(events, chunkId, (json, lineNo) => {
    const message = parseMessage(json, lineNo, chunkId);
    if (message.type === 'record') {
      onRecord(message.record);
      return undefined;
    }
    const { type: _type, ...end } = message;
    return end;
  });
}

/** {@link readWorkerStream} for a `sitemaps` event: its `sitemap` lines to `onRecord`, and its `sitemaps-end` line. */
export async function readSitemapsStream(
  events: AsyncIterable<InvokeWithResponseStreamResponseEvent>,
  chunkId: string,
  onRecord: (record: SitemapRecord) => void,
): Promise<SitemapsEnd> {
  return readMessageStream(events, chunkId, (json, lineNo) => {
    const parsed = SitemapsMessageSchema.safeParse(json);
    if (!parsed.success) throw new InvokeError(`worker line ${lineNo} is not a sitemaps message: ${formatZodError(parsed.error)}`, 'bad-response', chunkId);
    if (parsed.data.type === 'sitemap') {
      onRecord(parsed.data.record);
      return undefined;
    }
    const { type: _type, ...end } = parsed.data;
    return end;
  });
}

/**
 * The NDJSON framing both kinds of stream share: `take` reads each line's JSON and returns the end
 * message when the line is one; nothing may follow it, and the stream must end with it.
 */
async function readMessageStream<E>(
  events: AsyncIterable<InvokeWithResponseStreamResponseEvent>,
  chunkId: string,
  take: (json: unknown, lineNo: number) => E | undefined,
): Promise<E> {
  const lines = new LineSplitter();
  let end: E | undefined;
  let lineNo = 0;
  const read = (line: string) => {
    lineNo++;
    if (line.trim() === '') return;
    if (end !== undefined) throw new InvokeError(`worker wrote line ${lineNo} after its end line`, 'bad-response', chunkId);
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new InvokeError(`worker line ${lineNo} is not JSON: ${line.slice(0, 200)}`, 'bad-response', chunkId);
    }
    end = take(json, lineNo);
  };
  try {
    for await (const event of events) {
      if (event.PayloadChunk?.Payload) {
        for (const line of lines.push(event.PayloadChunk.Payload)) read(line);
      } else if (event.InvokeComplete) {
        if (event.InvokeComplete.ErrorCode) throw classifyStreamError(event.InvokeComplete, chunkId);
        read(lines.flush()); // a last line without its newline still counts
        if (end === undefined) throw new InvokeError('worker stream completed without an end line', 'bad-response', chunkId);
        return end;
      }
    }
  } catch (error) {
    if (error instanceof InvokeError || error instanceof WorkerRefusedError) throw error;
    const e = error as { name?: string; message?: string } | null;
    throw new InvokeError(`worker stream broke: ${e?.name ?? 'Error'}: ${e?.message ?? String(error)}`, 'network', chunkId, undefined, { cause: error });
  }
  throw new InvokeError('worker stream ended before InvokeComplete', 'network', chunkId);
}

function parseMessage(json: unknown, lineNo: number, chunkId: string) {
  const parsed = WorkerMessageSchema.safeParse(json);
  if (!parsed.success) {
    // A buffered worker (deployed before streaming) answers one WorkerResult document instead.
    const hint =
      typeof json === 'object' && json !== null && 'outcomes' in json ? ' (a buffered WorkerResult: redeploy the worker, it must be a response-streaming function)' : '';
    throw new InvokeError(`worker line ${lineNo} is not a WorkerMessage${hint}: ${formatZodError(parsed.error)}`, 'bad-response', chunkId);
  }
  return parsed.data;
}

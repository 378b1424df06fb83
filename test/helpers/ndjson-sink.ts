/**
 * A PassThrough standing in for the runtime's response stream, collecting NDJSON lines as they are
 * written (a line may arrive in pieces), for tests that run a streaming worker handler.
 */
import { PassThrough } from 'node:stream';
import { WorkerMessageSchema, type WorkerMessage } from '../../core/contract';

export interface NdjsonSink {
  readonly stream: PassThrough;
  /** Complete lines so far. */
  readonly lines: string[];
  /** Bytes after the last newline (a line not yet complete). */
  readonly partial: () => string;
  /** The lines so far, each validated as a WorkerMessage. */
  messages(): WorkerMessage[];
}

export function ndjsonSink(): NdjsonSink {
  const stream = new PassThrough();
  const lines: string[] = [];
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (text: string) => {
    const parts = (partial + text).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
  });
  return { stream, lines, partial: () => partial, messages: () => lines.map((line) => WorkerMessageSchema.parse(JSON.parse(line))) };
}

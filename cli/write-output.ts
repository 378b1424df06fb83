/**
 * Output writers: each record is written the moment it arrives, with backpressure, so a run of a
 * million URLs never holds its records. Every format stays valid if the run stops early, as long
 * as `close()` is called (JSON closes its array there).
 */
import fs from 'node:fs';
import type { Writable } from 'node:stream';
import type { Outcome } from '../core/contract';
import { CSV_HEADER, csvRow } from './csv';

export const OUTPUT_FORMATS = ['jsonl', 'json', 'csv'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface OutcomeWriter {
  write(outcome: Outcome): Promise<void>;
  /** Finishes the document (closing bracket for JSON) and flushes; a file is closed, stdout is not. */
  close(): Promise<void>;
}

function writeChunk(stream: Writable, text: string): Promise<void> {
  if (stream.write(text)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      stream.off('error', onError);
      resolve();
    };
    const onError = (err: Error) => {
      stream.off('drain', onDrain);
      reject(err);
    };
    stream.once('drain', onDrain);
    stream.once('error', onError);
  });
}

export interface WriterOptions {
  /** CSV only: keep formula-like cells as they are (see csv.ts). @default false */
  csvRaw?: boolean;
}

/**
 * Creates a writer over `stream`. `ownsStream` closes it at the end (files); stdout is left open.
 */
export function createWriter(stream: Writable, format: OutputFormat, ownsStream: boolean, options: WriterOptions = {}): OutcomeWriter {
  let count = 0;
  const csv = { raw: options.csvRaw ?? false };
  const prefix = (): string => {
    if (format === 'json') return count === 0 ? '[\n' : ',\n';
    if (format === 'csv' && count === 0) return CSV_HEADER;
    return '';
  };
  const body = (o: Outcome): string => (format === 'csv' ? csvRow(o, csv) : format === 'json' ? JSON.stringify(o) : `${JSON.stringify(o)}\n`);
  // The records of one event-loop tick (a worker's batch, a burst of streams) go out in one
  // write(v) call: the stream is corked at a tick's first record and uncorked once the tick is
  // done. One syscall per record cost more CPU than everything else the run loop does per record.
  let corked = false;
  const uncork = () => {
    if (!corked) return;
    corked = false;
    stream.uncork();
  };
  return {
    async write(outcome) {
      const text = prefix() + body(outcome);
      count++;
      if (!corked) {
        corked = true;
        stream.cork();
        setImmediate(uncork);
      }
      await writeChunk(stream, text);
    },
    async close() {
      uncork();
      if (format === 'json') await writeChunk(stream, count === 0 ? '[]\n' : '\n]\n');
      if (format === 'csv' && count === 0) await writeChunk(stream, CSV_HEADER);
      if (ownsStream) {
        await new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
      }
    },
  };
}

/**
 * Opens the output: a file path (created or truncated; `append` for resumed runs) or stdout for
 * `undefined` / `-`.
 */
export async function openOutput(path: string | undefined, format: OutputFormat, append = false, options: WriterOptions = {}): Promise<OutcomeWriter> {
  if (path === undefined || path === '-') return createWriter(process.stdout, format, false, options);
  // A tick's records are written together (see createWriter): room for a burst of large records.
  const stream = fs.createWriteStream(path, { flags: append ? 'a' : 'w', highWaterMark: 1 << 20 });
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
  return createWriter(stream, format, true, options);
}

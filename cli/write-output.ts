/**
 * Output writers: each record is written the moment it arrives, with backpressure, so a run of a
 * million URLs never holds its records. Every format stays valid if the run stops early, as long
 * as `close()` is called (JSON closes its array there).
 */
import fs from 'node:fs';
import type { Writable } from 'node:stream';
import type { Outcome } from '../core/contract';
import { OutputError } from '../core/errors';
import { CSV_HEADER, csvRow } from './csv';

export const OUTPUT_FORMATS = ['jsonl', 'json', 'csv'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface OutcomeWriter {
  write(outcome: Outcome): Promise<void>;
  /** Finishes the document (closing bracket for JSON) and flushes; a file is closed, stdout is not. */
  close(): Promise<void>;
}

/** Output pending for the tick is written once it reaches this many characters, whatever the tick. */
const FLUSH_CHARS = 1 << 20;

export interface WriterOptions {
  /** CSV only: keep formula-like cells as they are (see csv.ts). @default false */
  csvRaw?: boolean;
  /** What the output is called in an error message (its path). @default 'the output' */
  name?: string;
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
  // The records of one event-loop tick (a worker's batch, a burst of streams) are joined into one
  // string and written once the tick is done: one write, one Buffer. A write per record cost more
  // CPU than everything else the run loop does per record; a corked write per record still made a
  // Buffer and a queued request for each (~2 us a record, and their garbage).
  let pending = '';
  let scheduled = false;
  let failed: Error | undefined;
  let drained: Promise<void> | undefined;
  const onError = (err: Error) => {
    const resume = format === 'jsonl' && ownsStream ? ' (--resume then continues a jsonl output where it stopped)' : '';
    failed ??= new OutputError(`cannot write ${options.name ?? 'the output'}: ${err.message}; free some space or choose another -o${resume}`, { cause: err });
  };
  stream.on('error', onError);
  const flush = () => {
    scheduled = false;
    if (pending === '' || failed !== undefined) return;
    const text = pending;
    pending = '';
    if (stream.write(text) || drained !== undefined) return;
    drained = new Promise<void>((resolve) => {
      const done = () => {
        stream.off('drain', done);
        stream.off('error', done);
        drained = undefined;
        resolve();
      };
      stream.once('drain', done);
      stream.once('error', done);
    });
  };
  const append = (text: string) => {
    pending += text;
    if (pending.length >= FLUSH_CHARS) flush();
    else if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  return {
    async write(outcome) {
      if (failed !== undefined) throw failed;
      append(prefix() + body(outcome));
      count++;
      // Backpressure: a slow disk or a slow reader of stdout holds the run back here.
      if (drained !== undefined) await drained;
      if (failed !== undefined) throw failed;
    },
    async close() {
      if (format === 'json') append(count === 0 ? '[]\n' : '\n]\n');
      if (format === 'csv' && count === 0) append(CSV_HEADER);
      flush();
      if (drained !== undefined) await drained;
      if (failed === undefined && ownsStream) {
        await new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
      }
      stream.off('error', onError);
      if (failed !== undefined) throw failed;
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
  return createWriter(stream, format, true, { name: path, ...options });
}

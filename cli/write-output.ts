/**
 * Output writers: each record is written the moment it arrives, with backpressure, so a run of a
 * million URLs never holds its records. Every format stays valid if the run stops early, as long
 * as `close()` is called (JSON closes its array there).
 */
import fs from 'node:fs';
import type { Writable } from 'node:stream';
import type { Outcome } from '../core/contract';

export const OUTPUT_FORMATS = ['jsonl', 'json', 'csv'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface OutcomeWriter {
  write(outcome: Outcome): Promise<void>;
  /** Finishes the document (closing bracket for JSON) and flushes; a file is closed, stdout is not. */
  close(): Promise<void>;
}

export const CSV_COLUMNS = [
  'url',
  'ok',
  'status',
  'final_url',
  'content_type',
  'bytes',
  'ms',
  'attempts',
  'title',
  'description',
  'links',
  'error_kind',
  'error_message',
  'data',
] as const;

function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV row; `links` is the count (the full list is in JSONL), `data` is JSON. */
export function csvRow(o: Outcome): string {
  const cells = o.ok
    ? [
        o.url,
        true,
        o.status,
        o.finalUrl,
        o.contentType,
        o.bytes,
        o.ms,
        o.attempts,
        o.title,
        o.description,
        o.links.length,
        '',
        '',
        o.data === undefined ? '' : JSON.stringify(o.data),
      ]
    : [o.url, false, o.error.status, '', '', '', o.ms, o.attempts, '', '', '', o.error.kind, o.error.message, ''];
  return `${cells.map(csvField).join(',')}\r\n`;
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

/**
 * Creates a writer over `stream`. `ownsStream` closes it at the end (files); stdout is left open.
 */
export function createWriter(stream: Writable, format: OutputFormat, ownsStream: boolean): OutcomeWriter {
  let count = 0;
  const prefix = (): string => {
    if (format === 'json') return count === 0 ? '[\n' : ',\n';
    if (format === 'csv' && count === 0) return `${CSV_COLUMNS.join(',')}\r\n`;
    return '';
  };
  const body = (o: Outcome): string => (format === 'csv' ? csvRow(o) : format === 'json' ? JSON.stringify(o) : `${JSON.stringify(o)}\n`);
  return {
    async write(outcome) {
      const text = prefix() + body(outcome);
      count++;
      await writeChunk(stream, text);
    },
    async close() {
      if (format === 'json') await writeChunk(stream, count === 0 ? '[]\n' : '\n]\n');
      if (format === 'csv' && count === 0) await writeChunk(stream, `${CSV_COLUMNS.join(',')}\r\n`);
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
export async function openOutput(path: string | undefined, format: OutputFormat, append = false): Promise<OutcomeWriter> {
  if (path === undefined || path === '-') return createWriter(process.stdout, format, false);
  const stream = fs.createWriteStream(path, { flags: append ? 'a' : 'w' });
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
  return createWriter(stream, format, true);
}

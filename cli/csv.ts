/**
 * CSV rows for `fanout run --format csv`. Most cells are page-controlled (title, description, a
 * final URL, an error message, a bad input line), and a CSV is opened in spreadsheets and printed
 * on terminals, so each cell is made safe for both:
 * - Control characters are dropped (C0 except tab and newline, DEL, and C1): a terminal acts on
 *   ESC and CSI sequences (colours, titles, cursor moves), and no spreadsheet cell needs them.
 * - A cell starting with `=`, `+`, `-`, `@`, tab or CR gets a leading `'`, as OWASP recommends
 *   against CSV (formula) injection: spreadsheets show such a cell as text instead of running it.
 *   `raw` leaves this out, for readers that want the page's text exactly.
 * - A cell holding `"`, `,`, `;`, CR or LF is quoted (`;` too, since some locales split on it).
 * JSONL and JSON need none of this: JSON escapes control characters and has no formulas.
 */
import type { Outcome } from '../core/contract';

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

/** The header row, with the line ending every row has. */
export const CSV_HEADER = `${CSV_COLUMNS.join(',')}\r\n`;

export interface CsvOptions {
  /** Keep cells that start like a formula as they are (no leading `'`). Control characters are dropped either way. @default false */
  raw?: boolean;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",;\r\n]/;

/** One cell: control characters dropped, a formula neutralised (unless `raw`), quoted when needed. */
export function csvCell(value: unknown, options: CsvOptions = {}): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  let text = value.replace(CONTROL, '');
  if (!options.raw && FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV row; `links` is the count (the full list is in JSONL), `data` is JSON. */
export function csvRow(o: Outcome, options: CsvOptions = {}): string {
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
  return `${cells.map((cell) => csvCell(cell, options)).join(',')}\r\n`;
}

/**
 * Declarative extraction: `{ field: { selector, attr?, html?, all? } }` -> `{ field: value }`,
 * plus the validation that rejects a bad spec before anything is fetched.
 */
import { readFile } from 'node:fs/promises';
import type * as Cheerio from 'cheerio';
import type { DomHandler } from 'htmlparser2';
import { ExtractSpecSchema, formatZodError, type ExtractSpec, type FieldSpec } from '../../../core/contract';
import { SpecError } from '../../../http/fetch-error';
import { collapseWhitespace } from './text';

type Value = string | null;

/**
 * cheerio (with parse5 and css-select) is a third of the worker's start-up and only a run with an
 * extraction spec uses it, so it is loaded on first use: every worker and CLI start is faster.
 */
let cheerioModule: typeof Cheerio | undefined;
function cheerio(): typeof Cheerio {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  cheerioModule ??= require('cheerio') as typeof Cheerio;
  return cheerioModule;
}
/** The document htmlparser2 builds (domhandler's `Document`, named without depending on domhandler). */
type Document = DomHandler['root'];

function fieldValue(element: ReturnType<Cheerio.CheerioAPI>, field: FieldSpec): Value {
  if (field.attr !== undefined) return element.attr(field.attr) ?? null;
  if (field.html === true) return element.html();
  return collapseWhitespace(element.text());
}

/**
 * Applies `spec` to a parsed document. Text is trimmed and whitespace-collapsed; `attr` takes an
 * attribute (elements without it are left out of `all` arrays, and give null otherwise); `html`
 * takes the inner HTML. Without `all`, the first match or null.
 */
export function extractData(document: Document, spec: ExtractSpec): Record<string, unknown> {
  // The DOM comes from htmlparser2; cheerio only queries it (and serialises for `html: true`).
  const $ = cheerio().load(document);
  const data: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(spec)) {
    const matches = $(field.selector);
    if (field.all === true) {
      const values: string[] = [];
      for (let i = 0; i < matches.length; i++) {
        const value = fieldValue(matches.eq(i), field);
        if (value !== null) values.push(value);
      }
      data[name] = values;
    } else {
      data[name] = matches.length === 0 ? null : fieldValue(matches.first(), field);
    }
  }
  return data;
}

/** An empty document to compile selectors against: css-select throws on a selector it cannot compile. */
let probe: Cheerio.CheerioAPI | undefined;

/**
 * Checks untrusted JSON as an extraction spec: shape (via `ExtractSpecSchema`) and that every
 * selector compiles. Throws a {@link SpecError} whose message names the field and the problem.
 * @example validateSpec({ price: { selector: '.price', attr: 'data-value' } })
 */
export function validateSpec(json: unknown): ExtractSpec {
  const parsed = ExtractSpecSchema.safeParse(json);
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path[0];
    throw new SpecError(`invalid extraction spec: ${formatZodError(parsed.error)}`, field === undefined ? undefined : String(field));
  }
  probe ??= cheerio().load('');
  for (const [name, field] of Object.entries(parsed.data)) {
    try {
      probe(field.selector);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new SpecError(`invalid extraction spec: ${name}.selector: cannot use "${field.selector}": ${reason}`, name, { cause: err });
    }
  }
  return parsed.data;
}

/** Reads and validates a spec file, with messages that say which file and what is wrong with it. */
export async function loadSpecFile(path: string): Promise<ExtractSpec> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : (err as Error).message;
    throw new SpecError(`cannot read extraction spec ${path}: ${why}`, undefined, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SpecError(`extraction spec ${path} is not valid JSON: ${(err as Error).message}`, undefined, { cause: err });
  }
  try {
    return validateSpec(json);
  } catch (err) {
    if (err instanceof SpecError) throw new SpecError(`${path}: ${err.message}`, err.field, { cause: err });
    throw err;
  }
}

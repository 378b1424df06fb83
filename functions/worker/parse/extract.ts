/**
 * Declarative extraction: `{ field: { selector, attr?, html?, all? } }` -> `{ field: value }`,
 * The spec's validation (before anything is fetched) is core/extract-spec.ts.
 */
import type * as Cheerio from 'cheerio';
import type { DomHandler } from 'htmlparser2';
import type { ExtractSpec, FieldSpec } from '../../../core/contract';
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

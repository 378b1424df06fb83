/**
 * The declarative extraction spec: `{ field: { selector, attr?, html?, all? } }`, its zod schema,
 * and the validation that rejects a bad spec (shape, and selectors that do not compile) before
 * anything is fetched. The CLI checks a spec file with it, the worker checks the event's spec.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { FanoutError, type FanoutErrorOptions } from './errors';
import { formatZodError } from './zod-error';

/** An extraction spec (or spec file) is unusable; the message names the field and the problem. */
export class SpecError extends FanoutError {
  override readonly name = 'SpecError';
  readonly code = 'FANOUT_SPEC';
  override readonly userFacing = true;
  constructor(
    message: string,
    /** The spec's field at fault, when one is. */
    readonly field?: string,
    options?: FanoutErrorOptions,
  ) {
    super(message, options);
  }
}

/** One field of a declarative extraction spec: which elements, and what to take from them. */
export const FieldSpecSchema = z
  .strictObject({
    /** CSS selector, as cheerio understands it. */
    selector: z.string().min(1, 'selector must not be empty'),
    /** Take this attribute's value instead of the text. */
    attr: z.string().min(1).optional(),
    /** Take the inner HTML instead of the text. */
    html: z.boolean().optional(),
    /** Take every match as an array; otherwise the first match, or null. */
    all: z.boolean().optional(),
  })
  .refine((f) => !(f.attr !== undefined && f.html === true), {
    message: 'use either "attr" or "html", not both',
  });
export type FieldSpec = z.infer<typeof FieldSpecSchema>;

/** `{ fieldName: FieldSpec }`; the extracted values land in the record under `data`. */
export const ExtractSpecSchema = z
  .record(z.string().min(1, 'field names must not be empty'), FieldSpecSchema)
  .refine((spec) => Object.keys(spec).length > 0, { message: 'the spec has no fields' });
export type ExtractSpec = z.infer<typeof ExtractSpecSchema>;

/** An empty document to compile selectors against: css-select throws on a selector it cannot compile. */
let probe: ((selector: string) => unknown) | undefined;

/**
 * Checks untrusted JSON as an extraction spec: shape (via `ExtractSpecSchema`) and that every
 * selector compiles. Throws a {@link SpecError} whose message names the field and the problem.
 * @example validateSpec({ price: { selector: '.price', attr: 'data-value' } })
 */
export function validateSpec(json: unknown, source?: string): ExtractSpec {
  const where = source === undefined ? '' : `${source}: `;
  const parsed = ExtractSpecSchema.safeParse(json);
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path[0];
    throw new SpecError(`${where}invalid extraction spec: ${formatZodError(parsed.error)}`, field === undefined ? undefined : String(field));
  }
  // cheerio-select is what cheerio compiles selectors with (css-select plus jQuery's :eq, :contains …);
  // loaded on first use, so the CLI and the worker start without it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  probe ??= (selector) => (require('cheerio-select') as typeof import('cheerio-select')).select(selector, []);
  for (const [name, field] of Object.entries(parsed.data)) {
    try {
      probe(field.selector);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new SpecError(`${where}invalid extraction spec: ${name}.selector: cannot use "${field.selector}": ${reason}`, name, { cause: err });
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
  return validateSpec(json, path);
}

/** Text helpers shared by the page parser and the extractor. */

const ASCII_WHITESPACE = /[\t\n\f\r ]+/g;

/** Trims and collapses ASCII whitespace, as browsers do for `document.title` (NBSP is kept). */
export function collapseWhitespace(text: string): string {
  return text.replace(ASCII_WHITESPACE, ' ').trim();
}

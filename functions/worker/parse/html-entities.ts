/**
 * Character references (`&amp;`, `&#x41;`, legacy `&copy` …) in the few strings the record keeps.
 *
 * The record scanner decodes nothing while it reads, which lets it skip through text and
 * attribute values to the next `<` or quote instead of checking every `&`, and decodes only the
 * values it keeps. It decodes them with htmlparser2's tokenizer, decoding on, over the value put
 * back in a context that decodes the same way (a quoted attribute value, or text): so the rules
 * (which legacy names need no `;`, which follow `=` or a letter in an attribute, what a bad
 * number becomes) are the `entities` decoder's, the one parse5 uses too, not a copy.
 */
import { Tokenizer, type TokenizerCallbacks } from 'htmlparser2';

/** Collects the text or the attribute value that a one-element document decodes to. */
class DecodedCollector implements TokenizerCallbacks {
  value = '';
  constructor(private readonly source: string) {}
  ontext(start: number, endIndex: number): void {
    this.value += this.source.slice(start, endIndex);
  }
  ontextentity(codepoint: number): void {
    this.value += String.fromCodePoint(codepoint);
  }
  onattribdata(start: number, endIndex: number): void {
    this.value += this.source.slice(start, endIndex);
  }
  onattribentity(codepoint: number): void {
    this.value += String.fromCodePoint(codepoint);
  }
  onattribend(): void {}
  onattribname(): void {}
  oncdata(): void {}
  onclosetag(): void {}
  oncomment(): void {}
  ondeclaration(): void {}
  onend(): void {}
  onopentagend(): void {}
  onopentagname(): void {}
  onprocessinginstruction(): void {}
  onselfclosingtag(): void {}
}

function decodeIn(source: string): string {
  const collector = new DecodedCollector(source);
  const tokenizer = new Tokenizer({ decodeEntities: true }, collector);
  tokenizer.write(source);
  tokenizer.end();
  return collector.value;
}

/**
 * An attribute value as a browser decodes it, from its raw source text and how it was quoted
 * (`"`, `'`, or '' when unquoted): the rules for a legacy reference at the end of a value depend
 * on what follows it.
 * @example decodeAttributeValue('/s?a=1&amp;b=2', '"') // '/s?a=1&b=2'
 */
export function decodeAttributeValue(raw: string, quote: string): string {
  if (!raw.includes('&')) return raw;
  return decodeIn(`<a v=${quote}${raw}${quote}>`);
}

/**
 * The text of an RCDATA element (`<title>`, `<textarea>`) as a browser decodes it, from its raw
 * source text up to the end tag: references decoded as in text, a `<` is only a character.
 * @example decodeRcdata('Fish &amp; Chips <3') // 'Fish & Chips <3'
 */
export function decodeRcdata(raw: string): string {
  if (!raw.includes('&')) return raw;
  // As text between tags, with each `<` written as `&lt;` so that nothing in it reads as a tag. What a
  // reference decodes to in text does not depend on the character after it, so `&lt;` in place of
  // `<` changes nothing else.
  return decodeIn(raw.replaceAll('<', '&lt;'));
}

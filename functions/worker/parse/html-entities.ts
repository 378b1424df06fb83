/**
 * Character references (`&amp;`, `&#x41;`, legacy `&copy` …) in the few strings the record keeps.
 *
 * The record scanner runs htmlparser2's tokenizer with entity decoding off, which lets it skip
 * through text and attribute values to the next `<` or quote instead of checking every `&` (about
 * 30 % of its time on real pages), and decodes only the values it keeps. It decodes them with
 * the same tokenizer, decoding on, over the value put back in its context (a quoted attribute
 * value, or text inside `<title>`): so the rules (which legacy names need no `;`, which follow
 * `=` or a letter in an attribute, what a bad number becomes) are htmlparser2's own, not a copy.
 */
import { QuoteType, Tokenizer, type TokenizerCallbacks } from 'htmlparser2';

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

const QUOTE: Partial<Record<QuoteType, string>> = { [QuoteType.Double]: '"', [QuoteType.Single]: "'", [QuoteType.Unquoted]: '' };

/**
 * An attribute value as htmlparser2's `Parser` would report it, from its raw source text and
 * how it was quoted (the rules for a legacy reference at the end of a value depend on the quote).
 * @example decodeAttributeValue('/s?a=1&amp;b=2', QuoteType.Double) // '/s?a=1&b=2'
 */
export function decodeAttributeValue(raw: string, quote: QuoteType): string {
  if (!raw.includes('&')) return raw;
  const q = QUOTE[quote] ?? '';
  return decodeIn(`<a v=${q}${raw}${q}>`);
}

/**
 * Text as htmlparser2's `Parser` would report it, from one raw run of text as the tokenizer found
 * it: `rcdata` for the content of a `<title>` (where the tokenizer reads a `<` followed by `&` as
 * text, references and all), else ordinary text between tags.
 * @example decodeText('Fish &amp; Chips', 'rcdata') // 'Fish & Chips'
 */
export function decodeText(raw: string, context: 'text' | 'rcdata'): string {
  if (!raw.includes('&')) return raw;
  // Ordinary text needs no context: a run of it has no tag in it, so it tokenizes alone as it did in place.
  return context === 'rcdata' ? decodeIn(`<title>${raw}`) : decodeIn(raw);
}

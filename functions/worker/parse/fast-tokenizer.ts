/**
 * htmlparser2's `Tokenizer`, with its skip-ahead done by `String.prototype.indexOf`.
 *
 * Inside comments, script/style, declarations, end tags and (with entity decoding off) text and
 * quoted attribute values, the tokenizer looks for one character (`<`, `>`, `-`, a quote) with
 * its internal `fastForwardTo`, a `charCodeAt` loop in JavaScript. `indexOf` on the same string
 * does the same search natively and several times faster: on the htmlparser-benchmark pages the
 * tokenizer alone goes from about 1,300 to 2,000 pages/s.
 *
 * `fastForwardTo` is internal to htmlparser2, so the replacement is installed only after a probe
 * (below) shows that it tokenizes a document exactly as the original does; if a future
 * htmlparser2 changes its internals, the probe fails and {@link FastTokenizer} is the plain one.
 */
import { Tokenizer, type TokenizerCallbacks } from 'htmlparser2';

/** The tokenizer's fields that its `fastForwardTo` reads and writes. */
interface TokenizerInternals {
  buffer: string;
  index: number;
  offset: number;
}

/**
 * The original's contract: move `index` to the next `c` after it and return true, or to the last
 * character of the buffer and return false (`parse` increments `index` after every state).
 */
function fastForwardTo(this: TokenizerInternals, c: number): boolean {
  const found = this.buffer.indexOf(String.fromCharCode(c), this.index - this.offset + 1);
  if (found !== -1) {
    this.index = found + this.offset;
    return true;
  }
  this.index = this.buffer.length + this.offset - 1;
  return false;
}

/** The tokenizer to use: the original's events, found faster. */
export class FastTokenizer extends Tokenizer {}

/** Every callback, recorded as `name:args`. */
function recorder(events: string[]): TokenizerCallbacks {
  const record =
    (name: string) =>
    (...args: number[]) =>
      events.push(`${name}:${args.join(',')}`);
  return {
    onattribdata: record('attribdata'),
    onattribentity: record('attribentity'),
    onattribend: record('attribend'),
    onattribname: record('attribname'),
    oncdata: record('cdata'),
    onclosetag: record('closetag'),
    oncomment: record('comment'),
    ondeclaration: record('declaration'),
    onend: record('end'),
    onopentagend: record('opentagend'),
    onopentagname: record('opentagname'),
    onprocessinginstruction: record('pi'),
    onselfclosingtag: record('selfclosingtag'),
    ontext: record('text'),
    ontextentity: record('textentity'),
  };
}

/** Every state that skips ahead, each finding its character and each running off the end. */
const PROBE = [
  '<!doctype html><html><head><title>T &amp; t</title><style>a{b:c}</style><script>if (a < b) x = "</p>";</script>',
  '<?pi x?><!-- a - -- b --><![CDATA[ c ]]></head><body x="1 &amp; 2" y=\'3\' z=4 w></bogus ><p>text &lt; more</p></body>',
  '<a href="unterminated',
];

function tokenizeWith(T: typeof Tokenizer, decodeEntities: boolean, chunks: string[]): string[] {
  const events: string[] = [];
  const tokenizer = new T({ decodeEntities }, recorder(events));
  for (const chunk of chunks) tokenizer.write(chunk);
  tokenizer.end();
  return events;
}

function sameEvents(decodeEntities: boolean, chunks: string[]): boolean {
  return tokenizeWith(Tokenizer, decodeEntities, chunks).join('|') === tokenizeWith(FastTokenizer, decodeEntities, chunks).join('|');
}

if (typeof (Tokenizer.prototype as unknown as Record<string, unknown>).fastForwardTo === 'function') {
  Object.defineProperty(FastTokenizer.prototype, 'fastForwardTo', { value: fastForwardTo, writable: true, configurable: true });
  const ok = [true, false].every((decode) => sameEvents(decode, [PROBE.join('')]) && sameEvents(decode, PROBE));
  if (!ok) delete (FastTokenizer.prototype as unknown as Record<string, unknown>).fastForwardTo;
}

/** Whether the indexOf skip-ahead is in use (false only if htmlparser2's internals changed). */
export const FAST_FORWARD_INSTALLED = Object.hasOwn(FastTokenizer.prototype, 'fastForwardTo');

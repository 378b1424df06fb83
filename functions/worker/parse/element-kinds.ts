/**
 * What the HTML standard's tree construction knows about each element name, as bits of one
 * number per element: the categories that decide where an element ends and whether its content
 * is HTML (kept on every open element, see element-stack.ts), and, for HTML elements, the rules
 * their start and end tags follow (used by open-elements.ts). One lookup per tag gives them all.
 * Names are as the tokenizer reports them: ASCII lower case (`foreignobject`, not `foreignObject`).
 */
import { TextMode } from './html-tokenizer';

/** The namespace of an element, in the low two bits. */
export enum Ns {
  Html = 0,
  Svg = 1,
  MathMl = 2,
}
export const NS_MASK = 3;

/** Start tags in an HTML integration point are HTML (SVG `foreignObject`, `desc`, `title`; MathML `annotation-xml` declaring HTML). */
export const HTML_INTEGRATION = 1 << 2;
/** MathML text integration point (`mi`, `mo`, `mn`, `ms`, `mtext`): start tags but `mglyph`/`malignmark` are HTML. */
export const MATHML_TEXT = 1 << 3;
/** "Special": an end tag for another element does not close it (nor what it contains). */
export const SPECIAL = 1 << 4;
/** Bounds "has an element in scope". */
export const SCOPE = 1 << 5;
/** Bounds "in button scope" (scope + `button`). */
export const BUTTON_SCOPE = 1 << 6;
/** Bounds "in list item scope" (scope + `ol`, `ul`). */
export const LIST_SCOPE = 1 << 7;
/** Bounds "in table scope" (`html`, `table`, `template`). */
export const TABLE_SCOPE = 1 << 8;
/** Puts a marker on the list of active formatting elements, so an `<a>` before it is not closed by a new `<a>`. */
export const MARKER = 1 << 9;
/** Where a new `<li>`, `<dd>` or `<dt>` stops looking for an open one: special, except `address`, `div`, `p`. */
export const ITEM_STOP = 1 << 10;
export const TEMPLATE = 1 << 11;
/** An HTML element. */
export const IS_HTML = 1 << 12;

// The rules of HTML elements.
/** Its start tag closes an open `<p>` in button scope. */
export const CLOSES_P = 1 << 13;
/** No content (`image` is read as `img`; `frame` and `col` are ignored where they may not appear). */
export const VOID = 1 << 14;
/** A table part: ignored outside a table, and ended within table scope. */
export const TABLE_PART = 1 << 15;
/** Its end tag runs the adoption agency algorithm. */
export const FORMATTING = 1 << 16;
/** Its end tag closes it when it is in scope, through special elements (`select` as in the current standard). */
export const ENDS_IN_SCOPE = 1 << 17;
export const HEADING = 1 << 18;
/** Its start tag leaves SVG/MathML content (`font` only with `color`, `face` or `size`). */
export const BREAKS_OUT = 1 << 19;
/** A table takes it in itself: not fostered out before the table. */
export const NOT_FOSTERED = 1 << 20;
/** While it is the current node, other content is fostered out before the table. */
export const TABLE_CONTEXT = 1 << 21;
const TEXT_MODE_SHIFT = 22;

const words = (list: string) => list.split(' ');
const SPECIAL_HTML = words(
  'address applet area article aside base basefont bgsound blockquote body br button caption center col colgroup dd details dir div dl dt embed ' +
    'fieldset figcaption figure footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html iframe img input keygen li link listing main ' +
    'marquee menu meta nav noembed noframes noscript object ol p param plaintext pre script search section select source style summary table tbody ' +
    'td template textarea tfoot th thead title tr track ul wbr xmp',
);
const TABLE_PARTS = words('caption colgroup tbody thead tfoot tr td th');

function table(entries: [string[], number][]): Map<string, number> {
  const bits = new Map<string, number>();
  for (const [names, bit] of entries) for (const name of names) bits.set(name, (bits.get(name) ?? 0) | bit);
  return bits;
}

const HTML_INFO = table([
  [SPECIAL_HTML, SPECIAL | ITEM_STOP],
  [words('applet caption html table td th marquee object template'), SCOPE | BUTTON_SCOPE | LIST_SCOPE],
  [['button'], BUTTON_SCOPE],
  [['ol', 'ul'], LIST_SCOPE],
  [['html', 'table', 'template'], TABLE_SCOPE],
  [words('applet object marquee td th caption template'), MARKER],
  [['template'], TEMPLATE],
  [
    words(
      'address article aside blockquote center details dialog dir div dl fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li ' +
        'listing main menu nav ol p plaintext pre search section summary table ul xmp dd dt',
    ),
    CLOSES_P,
  ],
  [words('area base basefont bgsound br col embed frame hr image img input keygen link meta param source track wbr'), VOID],
  [TABLE_PARTS, TABLE_PART],
  [words('a b big code em font i nobr s small strike strong tt u'), FORMATTING],
  [
    words(
      'address article aside blockquote button center details dialog dir div dl fieldset figcaption figure footer form header hgroup listing main menu ' +
        'nav ol pre search section summary ul applet marquee object dd dt select',
    ),
    ENDS_IN_SCOPE,
  ],
  [words('h1 h2 h3 h4 h5 h6'), HEADING],
  [
    words(
      'b big blockquote body br center code dd div dl dt em embed h1 h2 h3 h4 h5 h6 head hr i img li listing menu meta nobr ol p pre ruby s small ' +
        'span strong strike sub sup table tt u ul var',
    ),
    BREAKS_OUT,
  ],
  [[...TABLE_PARTS, 'table', 'col', 'style', 'script', 'template', 'form', 'input'], NOT_FOSTERED],
  [words('table tbody thead tfoot tr'), TABLE_CONTEXT],
  [['script'], TextMode.ScriptData << TEXT_MODE_SHIFT],
  [['title', 'textarea'], TextMode.RcData << TEXT_MODE_SHIFT],
  [words('style xmp iframe noembed noframes'), TextMode.RawText << TEXT_MODE_SHIFT],
  [['plaintext'], TextMode.PlainText << TEXT_MODE_SHIFT],
]);
for (const name of ['address', 'div', 'p']) HTML_INFO.set(name, HTML_INFO.get(name)! & ~ITEM_STOP);
for (const [name, bits] of HTML_INFO) HTML_INFO.set(name, bits | IS_HTML);

const FOREIGN_SCOPE = SPECIAL | ITEM_STOP | SCOPE | BUTTON_SCOPE | LIST_SCOPE;
const SVG_INFO = table([[['foreignobject', 'desc', 'title'], FOREIGN_SCOPE | HTML_INTEGRATION]]);
const MATHML_INFO = table([
  [['mi', 'mo', 'mn', 'ms', 'mtext'], FOREIGN_SCOPE | MATHML_TEXT],
  [['annotation-xml'], FOREIGN_SCOPE],
]);

/** What is known of the HTML element `name`: categories, rules and the text mode after its start tag. */
export function htmlInfo(name: string): number {
  return HTML_INFO.get(name) ?? IS_HTML;
}

/** How the text after an HTML start tag of this info is read. */
export function textModeOf(info: number): TextMode {
  return ((info >>> TEXT_MODE_SHIFT) & 7) as TextMode;
}

/**
 * What is known of the SVG or MathML element `name`; `htmlAnnotation` says whether a MathML
 * `annotation-xml` declares `encoding="text/html"` or `"application/xhtml+xml"`.
 */
export function foreignInfo(name: string, ns: Ns.Svg | Ns.MathMl, htmlAnnotation = false): number {
  if (ns === Ns.Svg) return ns | (SVG_INFO.get(name) ?? 0);
  return ns | (MATHML_INFO.get(name) ?? 0) | (htmlAnnotation && name === 'annotation-xml' ? HTML_INTEGRATION : 0);
}

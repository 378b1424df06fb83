/**
 * The HTML standard's tree construction, reduced to what the record needs from it: the namespace
 * of the current node (inside SVG or MathML, `<style>` or `<title>` are ordinary elements and
 * `<![CDATA[` is a CDATA section), whether the current node is inside a `<template>` (whose content
 * is not part of the document), which mode the tokenizer reads the text after a start tag in, and
 * where content lands in document order (foster parenting out of tables).
 *
 * It follows the standard's rules where they move any of these: foreign content (breakout start
 * tags, integration points, self-closing foreign elements, the end-tag walk) and the HTML end tags
 * that close elements (in scope, up to a special element, the adoption agency's and `</form>`'s
 * effect on the stack). Elements that close themselves (`<p>`, `<li>`, `<a>`, table parts) close as
 * in a browser, which keeps the stack as shallow as a browser's. `<select>` content is read as the
 * current standard reads it (whatwg/html#10557), like any other content.
 *
 * Every tag costs amortised O(1) whatever the nesting (element-stack.ts answers each question in
 * O(1)), and at most {@link MAX_OPEN_ELEMENTS} elements are remembered; reading never stops.
 */
import { Placement } from './document-order';
import * as kinds from './element-kinds';
import { Ns } from './element-kinds';
import * as stack from './element-stack';
import { ElementStack, MAX_OPEN_ELEMENTS } from './element-stack';
import { TextMode } from './html-tokenizer';

// Read once: tsx (the bench's parse bound, a stale dist/) compiles each module apart and reads every
// imported binding through a getter, which was a fifth of the parse time there. Bundles inline them.
const { BREAKS_OUT, CLOSES_P, ENDS_IN_SCOPE, FORMATTING, HEADING, HTML_INTEGRATION, IS_HTML, MATHML_TEXT, NOT_FOSTERED, NS_MASK } = kinds;
const { SPECIAL, TABLE_CONTEXT, TABLE_PART, VOID, foreignInfo, htmlInfo, textModeOf } = kinds;
const { K_BUTTON_SCOPE, K_HTML, K_ITEM_STOP, K_LIST_SCOPE, K_MARKER, K_SCOPE, K_SPECIAL, K_TABLE_SCOPE } = stack;

export { MAX_OPEN_ELEMENTS };

const HEADINGS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'];

export class OpenElements extends ElementStack {
  /** The namespace of the element the last start tag made. */
  lastNs = Ns.Html;
  /** The form element pointer: set by `<form>`, cleared by `</form>` only; a `<form>` while set is ignored. */
  private formOpen = false;

  /** Whether the current node is inside a `<template>`: what is read now is not in the document. */
  get inTemplate(): boolean {
    return this.templates > 0;
  }

  /** Whether the adjusted current node is not HTML, where `<![CDATA[` starts a CDATA section. */
  cdataAllowed(): boolean {
    return this.currentNs() !== Ns.Html;
  }

  /** A link (or any item) inside the current node, in document order. */
  addItem(item: string): void {
    this.order.add(item, this.size - 1);
  }

  /** The items added, in document (tree) order. */
  items(): string[] {
    return this.order.items();
  }

  /**
   * A start tag (its attributes read): opens, closes or ignores elements as a browser would, and
   * says how the text after it is read. `fontBreaksOut`: a `<font>` with `color`, `face` or `size`.
   */
  startTag(name: string, selfClosing: boolean, fontBreaksOut = false, htmlAnnotation = false): TextMode {
    const info = htmlInfo(name);
    if (this.foreignRulesFor(name)) {
      if (info & BREAKS_OUT || (name === 'font' && fontBreaksOut)) {
        this.popToHtmlOrIntegrationPoint();
        return this.startTag(name, selfClosing, fontBreaksOut, htmlAnnotation);
      }
      return this.open(name, this.currentNs() as Ns.Svg | Ns.MathMl, selfClosing, Placement.Child, htmlAnnotation);
    }
    if (name === 'svg' || name === 'math') return this.open(name, name === 'svg' ? Ns.Svg : Ns.MathMl, selfClosing, this.placementOf(info));
    this.lastNs = Ns.Html;
    // The html and body elements stay open to the end and head closes itself, so none is remembered.
    if (name === 'html' || name === 'head' || name === 'body' || name === 'frameset') return TextMode.Data;
    if (this.overflow === 0 && this.closeBefore(name, info)) return TextMode.Data;
    if (info & VOID || (info & TABLE_PART && !this.tableInScope())) return TextMode.Data;
    this.push(name, info, this.placementOf(info));
    return textModeOf(info);
  }

  /** An end tag. */
  endTag(name: string): void {
    if (this.overflow > 0) this.overflow--;
    else if (this.size > 0 && !(this.flags[this.size - 1]! & IS_HTML)) this.foreignEndTag(name);
    else this.htmlEndTag(name);
  }

  private open(name: string, ns: Ns.Svg | Ns.MathMl, selfClosing: boolean, placement: Placement, htmlAnnotation = false): TextMode {
    this.lastNs = ns;
    this.push(name, foreignInfo(name, ns, htmlAnnotation), placement);
    if (selfClosing) this.pop();
    return TextMode.Data;
  }

  private currentNs(): Ns {
    if (this.overflow > 0) return this.overflowNs;
    return this.size === 0 ? Ns.Html : ((this.flags[this.size - 1]! & NS_MASK) as Ns);
  }

  /** The standard's tree construction dispatcher: whether a start tag goes by the rules for foreign content. */
  private foreignRulesFor(name: string): boolean {
    if (this.overflow > 0) return this.overflowNs !== Ns.Html;
    if (this.size === 0) return false;
    const flags = this.flags[this.size - 1]!;
    const ns = flags & NS_MASK;
    if (ns === Ns.Html || flags & HTML_INTEGRATION) return false;
    if (flags & MATHML_TEXT) return name === 'mglyph' || name === 'malignmark';
    return !(name === 'svg' && ns === Ns.MathMl && this.names[this.size - 1] === 'annotation-xml');
  }

  /** Where an element opened now by the HTML rules goes: before the table when the current node is a table part and it is not one. */
  private placementOf(info: number): Placement {
    if (info & TABLE_CONTEXT && !(info & TABLE_PART)) return Placement.Table;
    if (this.overflow > 0 || this.size === 0 || info & NOT_FOSTERED) return Placement.Child;
    return this.flags[this.size - 1]! & TABLE_CONTEXT ? Placement.Fostered : Placement.Child;
  }

  private popToHtmlOrIntegrationPoint(): void {
    if (this.overflow > 0) {
      if (this.overflowNs === Ns.Html) return;
      this.overflow = 0;
    }
    while (this.size > 0 && !(this.flags[this.size - 1]! & (IS_HTML | HTML_INTEGRATION | MATHML_TEXT))) this.pop();
  }

  /** What an HTML start tag closes first; true when the tag itself is then dropped. */
  private closeBefore(name: string, info: number): boolean {
    if (info & CLOSES_P) {
      if (name === 'li') this.closeItem('li', 'li');
      else if (name === 'dd' || name === 'dt') this.closeItem('dd', 'dt');
      if (name === 'table' && this.size > 0 && this.flags[this.size - 1]! & TABLE_CONTEXT) this.popThrough(this.topmostHtml('table'));
      this.closeP();
      if (info & HEADING && this.size > 0 && this.flags[this.size - 1]! & HEADING) this.pop();
      if (name !== 'form') return false;
      if (this.formOpen && !this.inTemplate) return true;
      this.formOpen ||= !this.inTemplate;
      return false;
    }
    switch (name) {
      case 'a': {
        // A new <a> while one is open (since the last marker) closes it: the adoption agency, then removal.
        let at = this.topmostHtml('a');
        if (at < 0 || this.topmost(K_MARKER) > at) return false;
        this.adoptionAgency('a');
        at = this.topmostHtml('a');
        if (at >= 0 && this.topmost(K_MARKER) < at) this.removeAt(at);
        return false;
      }
      case 'button':
        this.closeInScope('button', K_SCOPE);
        return false;
      case 'option':
      case 'optgroup':
        if (this.isCurrent('option')) this.pop();
        if (name === 'optgroup' && this.isCurrent('optgroup')) this.pop();
        return false;
      case 'select': {
        // In a select, <select> closes it instead of nesting.
        const at = this.topmostHtml('select');
        if (at >= 0 && this.topmost(K_SCOPE) < at) {
          this.popThrough(at);
          return true;
        }
        return false;
      }
      default:
        // A cell closes an open cell, a row a row, a section a section, back to where the part belongs.
        if (info & TABLE_PART && this.tableInScope()) {
          const parents = name === 'td' || name === 'th' ? ['tr', 'tbody', 'thead', 'tfoot'] : name === 'tr' ? ['tbody', 'thead', 'tfoot'] : [];
          this.popThrough(Math.max(this.topmostHtml('table'), ...parents.map((parent) => this.topmostHtml(parent))) + 1);
        }
        return false;
    }
  }

  private foreignEndTag(name: string): void {
    if (name === 'br' || name === 'p') {
      this.popToHtmlOrIntegrationPoint();
      this.htmlEndTag(name);
      return;
    }
    // The walk down the stack: a foreign element of that name above the topmost HTML element, else HTML rules.
    const at = this.topmostNamed(name);
    if (at > this.topmost(K_HTML)) this.popThrough(at);
    else this.htmlEndTag(name);
  }

  private htmlEndTag(name: string): void {
    if (name === 'br' || name === 'html' || name === 'body' || name === 'head') return; // </br> is a <br>; the rest stay open
    const info = htmlInfo(name);
    if (name === 'template') {
      const at = this.topmostHtml('template');
      if (at >= 0) this.popThrough(at);
    } else if (name === 'p') {
      this.closeP();
    } else if (name === 'li') {
      this.closeInScope(name, K_LIST_SCOPE);
    } else if (name === 'form' && !this.inTemplate) {
      // Only the form element leaves the stack; what was opened inside it stays open.
      this.formOpen = false;
      const at = this.topmostHtml('form');
      if (at >= 0 && this.topmost(K_SCOPE) < at) this.removeAt(at);
    } else if (info & HEADING) {
      const at = Math.max(...HEADINGS.map((heading) => this.topmostHtml(heading)));
      if (at >= 0 && this.topmost(K_SCOPE) < at) this.popThrough(at);
    } else if (info & ENDS_IN_SCOPE) {
      this.closeInScope(name, K_SCOPE);
    } else if (name === 'table' || info & TABLE_PART) {
      this.closeInScope(name, K_TABLE_SCOPE);
    } else if (info & FORMATTING) {
      this.adoptionAgency(name);
    } else {
      // Any other end tag closes the topmost element of its name, unless a special element is above it.
      const at = this.topmostHtml(name);
      if (at >= 0 && this.topmost(K_SPECIAL) <= at) this.popThrough(at);
    }
  }

  /**
   * The adoption agency algorithm's effect on the stack, for an end tag of the formatting element
   * `name` (or a new `<a>`). Out of scope, nothing happens. With no special element above it, it
   * closes with everything above it. Otherwise the lowest special element above it (the furthest
   * block) stays open: of the elements in between, the three nearest the block stay if they are
   * formatting elements (as clones), the rest leave; it moves to just above the block (as a clone,
   * inside it); and the algorithm runs again, eight times at most.
   */
  private adoptionAgency(name: string): void {
    for (let round = 0; round < 8; round++) {
      const at = this.topmostHtml(name);
      if (at < 0 || this.topmost(K_SCOPE) > at) return;
      if (this.topmost(K_SPECIAL) < at) {
        this.popThrough(at);
        return;
      }
      let block = at + 1;
      while (!(this.flags[block]! & SPECIAL)) block++;
      const order: number[] = [];
      for (let node = block - 1; node > at; node--) if (block - node <= 3 && this.flags[node]! & FORMATTING) order.unshift(node);
      order.push(block, at);
      for (let node = block + 1; node < this.size; node++) order.push(node);
      this.rearrange(at, order, new Map([[at, { chunk: this.order.placeOf(block).chunk, slotChunk: undefined, slotIndex: 0 }]]));
    }
  }

  /** A new `<li>` closes an open `<li>` (`<dd>`/`<dt>`: either) unless a special element other than address, div or p is above it. */
  private closeItem(first: string, second: string): void {
    const at = this.topmost(K_ITEM_STOP);
    if (at >= 0 && this.flags[at]! & IS_HTML && (this.names[at] === first || this.names[at] === second)) this.popThrough(at);
  }

  private closeP(): void {
    const at = this.topmostHtml('p');
    if (at >= 0 && this.topmost(K_BUTTON_SCOPE) < at) this.popThrough(at);
  }

  private closeInScope(name: string, scope: number): void {
    const at = this.topmostHtml(name);
    if (at >= 0 && this.topmost(scope) <= at) this.popThrough(at);
  }

  private tableInScope(): boolean {
    const at = this.topmostHtml('table');
    return at >= 0 && this.topmost(K_TABLE_SCOPE) === at;
  }
}

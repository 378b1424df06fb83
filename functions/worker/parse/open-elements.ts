/**
 * Which elements are open, by htmlparser2's `Parser` rules (HTML mode), without its costs.
 *
 * The record scanner reads htmlparser2's `Tokenizer` directly, so it has to decide for itself
 * when an element opens and closes: a `<title>` ends at an implied close as well as at
 * `</title>`, and the depth cap counts open elements. These are the `Parser`'s rules, event for
 * event (implied closes, void elements, `</p>` and `</br>` without an open element, self-closing
 * tags only inside `<svg>`/`<math>`), so the scanner sees what a `Parser` handler would see.
 *
 * The costs are not the `Parser`'s: it keeps its stacks with `unshift`/`shift`/`indexOf`, O(depth)
 * per tag, and its foreign-content stack grows without bound on `<div><svg></div>` repeated.
 * Here both are push/pop arrays and a count of open elements per name answers "is it open?" in
 * O(1), so every tag costs amortised O(1) work, whatever the nesting.
 */

/** What the open-element rules report; the same events, in the same order, as a `Parser` handler's `onopentag`/`onclosetag`. */
export interface ElementEvents {
  /** An element opened (its start tag has ended). */
  opened(name: string): void;
  /** An element closed, by its end tag or implied. */
  closed(name: string): void;
}

const formTags = new Set(['input', 'option', 'optgroup', 'select', 'button', 'datalist', 'textarea']);
const pTag = new Set(['p']);
const tableSectionTags = new Set(['thead', 'tbody']);
const ddtTags = new Set(['dd', 'dt']);
const rtpTags = new Set(['rt', 'rp']);

/** htmlparser2 10's `openImpliesClose`: opening the key closes open elements of these names, from the top. */
const OPEN_IMPLIES_CLOSE = new Map<string, Set<string>>([
  ['tr', new Set(['tr', 'th', 'td'])],
  ['th', new Set(['th'])],
  ['td', new Set(['thead', 'th', 'td'])],
  ['body', new Set(['head', 'link', 'script'])],
  ['li', new Set(['li'])],
  ...['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((name) => [name, pTag] as const),
  ...['select', 'input', 'output', 'button', 'datalist', 'textarea'].map((name) => [name, formTags] as const),
  ['option', new Set(['option'])],
  ['optgroup', new Set(['optgroup', 'option'])],
  ['dd', ddtTags],
  ['dt', ddtTags],
  ...[
    'address',
    'article',
    'aside',
    'blockquote',
    'details',
    'div',
    'dl',
    'fieldset',
    'figcaption',
    'figure',
    'footer',
    'form',
    'header',
    'hr',
    'main',
    'nav',
    'ol',
    'pre',
    'section',
    'table',
    'ul',
  ].map((name) => [name, pTag] as const),
  ['rt', rtpTags],
  ['rp', rtpTags],
  ['tbody', tableSectionTags],
  ['tfoot', tableSectionTags],
]);

const VOID_ELEMENTS = new Set([
  'area',
  'base',
  'basefont',
  'br',
  'col',
  'command',
  'embed',
  'frame',
  'hr',
  'img',
  'input',
  'isindex',
  'keygen',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
]);
const FOREIGN_CONTEXT_ELEMENTS = new Set(['math', 'svg']);
const HTML_INTEGRATION_ELEMENTS = new Set(['mi', 'mo', 'mn', 'ms', 'mtext', 'annotation-xml', 'foreignobject', 'desc', 'title']);

/** The open elements of one document; feed it tag names (lower-cased) as the tokenizer finds them. */
export class OpenElements {
  private readonly stack: string[] = [];
  /** Open elements per name, so an end tag with nothing to close costs O(1), not a stack search. */
  private readonly openCount = new Map<string, number>();
  /** Whether self-closing syntax counts (inside svg/math), innermost last; the `Parser` starts with one `false`. */
  private readonly foreign: boolean[] = [false];
  private tagName = '';

  constructor(private readonly events: ElementEvents) {}

  /** The start tag being read, between its name and its `>`; '' between tags. */
  get current(): string {
    return this.tagName;
  }

  /** A start tag's name was read (its attributes come next). */
  startTag(name: string): void {
    this.tagName = name;
    const impliesClose = OPEN_IMPLIES_CLOSE.get(name);
    if (impliesClose !== undefined) {
      while (this.stack.length > 0 && impliesClose.has(this.stack[this.stack.length - 1]!)) this.events.closed(this.pop());
    }
    if (!VOID_ELEMENTS.has(name)) {
      this.push(name);
      if (FOREIGN_CONTEXT_ELEMENTS.has(name)) this.foreign.push(true);
      else if (HTML_INTEGRATION_ELEMENTS.has(name)) this.foreign.push(false);
    }
  }

  /** The start tag ended with `>`. */
  endStartTag(): void {
    const name = this.tagName;
    this.tagName = '';
    this.events.opened(name);
    if (VOID_ELEMENTS.has(name)) this.events.closed(name);
  }

  /** The start tag ended with `/>`: self-closing inside svg/math, an ordinary start tag elsewhere. */
  selfClosingStartTag(): void {
    if (this.foreign[this.foreign.length - 1] !== true) {
      this.endStartTag();
      return;
    }
    const name = this.tagName;
    this.endStartTag();
    if (this.stack[this.stack.length - 1] === name) {
      this.events.closed(name);
      this.pop();
    }
  }

  /** An end tag was read. */
  endTag(name: string): void {
    if (FOREIGN_CONTEXT_ELEMENTS.has(name) || HTML_INTEGRATION_ELEMENTS.has(name)) this.foreign.pop();
    if (VOID_ELEMENTS.has(name)) {
      if (name === 'br') {
        // `</br>` is a `<br>`, as in browsers.
        this.events.opened('br');
        this.events.closed('br');
      }
    } else if ((this.openCount.get(name) ?? 0) > 0) {
      // Closes everything opened after it too; each element is popped once, so this is amortised O(1).
      for (let closed = this.pop(); ; closed = this.pop()) {
        this.events.closed(closed);
        if (closed === name) break;
      }
    } else if (name === 'p') {
      // `</p>` with no open <p> is an empty paragraph, as in browsers.
      this.startTag('p');
      this.endStartTag();
      if (this.stack[this.stack.length - 1] === 'p') {
        this.events.closed('p');
        this.pop();
      }
    }
  }

  private push(name: string): void {
    this.stack.push(name);
    this.openCount.set(name, (this.openCount.get(name) ?? 0) + 1);
  }

  private pop(): string {
    const name = this.stack.pop()!;
    this.openCount.set(name, this.openCount.get(name)! - 1);
    return name;
  }
}

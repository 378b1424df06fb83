/**
 * Storage for the stack of open elements (the rules that drive it are open-elements.ts): names,
 * flags (element-kinds.ts), where each element's content goes in document order, and O(1)
 * answers to the questions the rules ask ("the topmost element of this kind", "the topmost
 * HTML element of this name"), from per-entry indexes kept as elements are pushed.
 *
 * Bounded memory: at most {@link MAX_OPEN_ELEMENTS} elements are remembered. Deeper ones are only
 * counted, as elements of the namespace of the first one counted; closing one uncounts it.
 */
import { DocumentOrder, type Place, Placement } from './document-order';
import * as kinds from './element-kinds';
import { Ns } from './element-kinds';

// Read once (see open-elements.ts: imported bindings are getters under tsx).
const { BUTTON_SCOPE, IS_HTML, ITEM_STOP, LIST_SCOPE, MARKER, NS_MASK, SCOPE, SPECIAL, TABLE_SCOPE, TEMPLATE } = kinds;

/** Open elements remembered; deeper ones are counted. Blink caps its DOM depth at the same 512. */
export const MAX_OPEN_ELEMENTS = 512;

/** The kinds whose topmost element the stack answers for in O(1), by their index here (`K_…`). */
const TRACKED = [SPECIAL, SCOPE, BUTTON_SCOPE, LIST_SCOPE, TABLE_SCOPE, MARKER, ITEM_STOP, IS_HTML];
export const K_SPECIAL = 0;
export const K_SCOPE = 1;
export const K_BUTTON_SCOPE = 2;
export const K_LIST_SCOPE = 3;
export const K_TABLE_SCOPE = 4;
export const K_MARKER = 5;
export const K_ITEM_STOP = 6;
export const K_HTML = 7;

export class ElementStack {
  protected readonly names: string[] = [];
  /** Per entry, what element-kinds.ts knows of it (its info). */
  protected readonly flags = new Int32Array(MAX_OPEN_ELEMENTS);
  /** Elements remembered. */
  protected size = 0;
  /** Elements past {@link MAX_OPEN_ELEMENTS}, counted only. */
  protected overflow = 0;
  /** The namespace assumed for the counted ones: the first one's. */
  protected overflowNs = Ns.Html;
  protected templates = 0;
  protected readonly order = new DocumentOrder();
  /** The next entry down with the same name, or -1. */
  private readonly sameNameBelow = new Int32Array(MAX_OPEN_ELEMENTS);
  private readonly topmostByName = new Map<string, number>();
  /** Per tracked kind: at each entry, the topmost entry of that kind at or below it, or -1. */
  private readonly kindBelow = TRACKED.map(() => new Int32Array(MAX_OPEN_ELEMENTS));

  /** Elements remembered (at most {@link MAX_OPEN_ELEMENTS}). */
  get remembered(): number {
    return this.size;
  }

  /** The topmost entry of a tracked kind (`K_…`), or -1. */
  protected topmost(kind: number): number {
    return this.size === 0 ? -1 : this.kindBelow[kind]![this.size - 1]!;
  }

  /** The topmost element named `name` in any namespace, or -1. */
  protected topmostNamed(name: string): number {
    return this.topmostByName.get(name) ?? -1;
  }

  /** The topmost HTML element named `name`, or -1. */
  protected topmostHtml(name: string): number {
    let at = this.topmostByName.get(name) ?? -1;
    while (at >= 0 && !(this.flags[at]! & IS_HTML)) at = this.sameNameBelow[at]!;
    return at;
  }

  /** Whether the current node is the HTML element `name`. */
  protected isCurrent(name: string): boolean {
    return this.size > 0 && this.names[this.size - 1] === name && (this.flags[this.size - 1]! & IS_HTML) !== 0;
  }

  protected push(name: string, flags: number, placement: Placement = Placement.Child): void {
    if (this.size === MAX_OPEN_ELEMENTS) {
      if (this.overflow++ === 0) this.overflowNs = flags & NS_MASK;
      return;
    }
    this.order.open(this.size, this.size - 1, placement, placement === Placement.Fostered ? this.topmostHtml('table') : -1);
    this.link(name, flags);
  }

  /** Closes the current node (a counted one, if any). */
  protected pop(): void {
    if (this.overflow > 0) this.overflow--;
    else if (this.size > 0) this.popEntry();
  }

  /** Pops remembered entries down to and including `at`. */
  protected popThrough(at: number): void {
    while (this.size > at) this.popEntry();
  }

  /** Takes the entry at `at` out of the middle of the stack (`</form>`, an `<a>` out of scope); those above move down. */
  protected removeAt(at: number): void {
    const above: number[] = [];
    for (let i = at + 1; i < this.size; i++) above.push(i);
    this.rearrange(at, above);
  }

  /**
   * Replaces the entries from `at` up with the old entries listed in `order` (each keeps its name,
   * flags and place in document order; `places` overrides the place of some). O(entries above `at`).
   */
  protected rearrange(at: number, order: number[], places: Map<number, Place> = new Map()): void {
    const moved = order.map((old) => ({ name: this.names[old]!, flags: this.flags[old]!, place: places.get(old) ?? this.order.placeOf(old) }));
    while (this.size > at) this.unlink();
    for (const { name, flags, place } of moved) {
      this.order.restore(this.size, place);
      this.link(name, flags);
    }
  }

  private popEntry(): void {
    this.order.close(this.size - 1);
    this.unlink();
  }

  /** Adds an entry on top: its name chain, kind indexes and template count. */
  private link(name: string, flags: number): void {
    const at = this.size++;
    this.names[at] = name;
    this.flags[at] = flags;
    this.sameNameBelow[at] = this.topmostByName.get(name) ?? -1;
    this.topmostByName.set(name, at);
    for (let kind = 0; kind < TRACKED.length; kind++) {
      const below = this.kindBelow[kind]!;
      below[at] = flags & TRACKED[kind]! ? at : at === 0 ? -1 : below[at - 1]!;
    }
    if (flags & TEMPLATE) this.templates++;
  }

  /** Removes the top entry's name chain and template count. */
  private unlink(): void {
    const at = --this.size;
    const below = this.sameNameBelow[at]!;
    if (below < 0) this.topmostByName.delete(this.names[at]!);
    else this.topmostByName.set(this.names[at]!, below);
    if (this.flags[at]! & TEMPLATE) this.templates--;
  }
}

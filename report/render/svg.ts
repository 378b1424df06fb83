/**
 * The pieces every hand-written SVG chart here is made of: the report's (svg-charts.ts) and the
 * benchmark's (bench/chart.ts). Elements are written with escaped attributes and text, coordinates
 * are rounded once, and the grid of both charts is drawn by the same two functions; only its look
 * differs (CSS classes in the report page, inline attributes in a standalone .svg file).
 */
import { escapeHtml, SafeHtml } from './escape';

/** A chart's plot rectangle, in SVG user units (y grows downwards). */
export interface PlotBox {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/** Rounds a coordinate to a tenth of a user unit: finer than any screen shows, and short in the markup. */
export function r1(n: number): number {
  return Math.round(n * 10) / 10;
}

/** Attributes of one element, in order; a number is a coordinate or length and is rounded with {@link r1}. */
export type SvgAttributes = Readonly<Record<string, string | number>>;

/**
 * One SVG element: `<name a="1"/>`, or `<name a="1">content</name>` when it has content. Attribute
 * values and string content are escaped; {@link SafeHtml} content (nested elements) is kept as it is.
 *
 * @example svgElement('text', { x: 10.04, 'text-anchor': 'end' }, 'a < b') // <text x="10" text-anchor="end">a &lt; b</text>
 */
export function svgElement(name: string, attributes: SvgAttributes, content?: string | SafeHtml): SafeHtml {
  let out = `<${name}`;
  for (const [key, value] of Object.entries(attributes)) {
    out += ` ${key}="${typeof value === 'number' ? r1(value) : escapeHtml(value)}"`;
  }
  if (content === undefined) return new SafeHtml(`${out}/>`);
  return new SafeHtml(`${out}>${content instanceof SafeHtml ? content.value : escapeHtml(content)}</${name}>`);
}

/** How a chart's grid lines and their labels look (the geometry is the same for every chart). */
export interface GridStyle {
  line: SvgAttributes;
  label: SvgAttributes;
}

/** A horizontal line across the plot at `y`, labelled left of the plot: one step of the value axis. */
export function valueGridLine(box: PlotBox, y: number, label: string, style: GridStyle): SafeHtml {
  const line = svgElement('line', { ...style.line, x1: box.left, x2: box.left + box.width, y1: y, y2: y });
  const text = svgElement('text', { ...style.label, x: box.left - 6, y: y + 4, 'text-anchor': 'end' }, label);
  return new SafeHtml(line.value + text.value);
}

/**
 * A mark on the x axis at `x`, labelled under the plot: a short tick below the axis (`tick`), or a
 * grid line through the whole plot (`plot`).
 */
export function xAxisMark(box: PlotBox, x: number, label: string, style: GridStyle, reach: 'tick' | 'plot'): SafeHtml {
  const bottom = box.top + box.height;
  const [y1, y2] = reach === 'tick' ? [bottom, bottom + 4] : [box.top, bottom];
  const line = svgElement('line', { ...style.line, x1: x, x2: x, y1, y2 });
  const text = svgElement('text', { ...style.label, x, y: bottom + 17, 'text-anchor': 'middle' }, label);
  return new SafeHtml(line.value + text.value);
}

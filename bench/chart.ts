/**
 * Pure: the throughput chart as a self-contained SVG string. Pages per second against requests in
 * flight (log2 axis), with the two limits drawn: the latency bound (in flight / latency) and the
 * parse-CPU bound (a flat line). Written with the report's SVG helpers, styled inline so the file
 * stands alone.
 */
import type { SafeHtml } from '../report/render/escape';
import { svgElement, valueGridLine, xAxisMark, type GridStyle, type PlotBox, type SvgAttributes } from '../report/render/svg';

export interface ChartPoint {
  inFlight: number;
  pagesPerS: number;
  label: string;
  kind: 'baseline' | 'sweep' | 'default' | 'best';
}

export interface ChartInput {
  points: readonly ChartPoint[];
  latencyMs: number;
  parseBoundPagesPerS: number;
  title: string;
}

const W = 820;
const H = 440;
const M = { left: 70, right: 250, top: 40, bottom: 50 };
const COLORS: Record<ChartPoint['kind'], string> = { baseline: '#888', sweep: '#6fa8dc', default: '#e69138', best: '#cc0000' };
const GRID: GridStyle = { line: { stroke: '#eee' }, label: {} };

function niceStep(max: number): number {
  const raw = max / 6;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
}

/** Renders the chart. Deterministic: same input, same bytes. */
export function renderThroughputChart(input: ChartInput): string {
  const { points, latencyMs, parseBoundPagesPerS } = input;
  const maxX = 2 ** Math.ceil(Math.log2(Math.max(2, ...points.map((p) => p.inFlight)) * 2));
  const maxY = Math.max(parseBoundPagesPerS, ...points.map((p) => p.pagesPerS)) * 1.15;
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const box: PlotBox = { left: M.left, top: M.top, width: plotW, height: plotH };
  const x = (v: number) => M.left + (Math.log2(Math.max(1, v)) / Math.log2(maxX)) * plotW;
  const y = (v: number) => M.top + plotH - (Math.min(v, maxY) / maxY) * plotH;
  const parts: string[] = [];
  const add = (name: string, attributes: SvgAttributes, content?: string | SafeHtml) => parts.push(svgElement(name, attributes, content).value);
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`);
  add('rect', { width: W, height: H, fill: '#fff' });
  add('text', { x: M.left, y: 22, 'font-size': 15, 'font-weight': 'bold' }, input.title);

  const step = niceStep(maxY);
  for (let v = 0; v <= maxY; v += step) parts.push(valueGridLine(box, y(v), String(Math.round(v)), GRID).value);
  for (let v = 1; v <= maxX; v *= 2) parts.push(xAxisMark(box, x(v), String(v), GRID, 'plot').value);
  add('rect', { x: M.left, y: M.top, width: plotW, height: plotH, fill: 'none', stroke: '#999' });
  add('text', { x: M.left + plotW / 2, y: H - 10, 'text-anchor': 'middle' }, 'requests in flight (all workers, log scale)');
  add('text', { transform: `translate(18 ${M.top + plotH / 2}) rotate(-90)`, 'text-anchor': 'middle' }, 'pages per second');

  // Latency bound: y = inFlight * 1000 / latencyMs, a curve on the log axis; sampled finely.
  const curve: string[] = [];
  for (let i = 0; i <= 200; i++) {
    const v = 2 ** ((i / 200) * Math.log2(maxX));
    const rate = (v * 1000) / latencyMs;
    curve.push(`${x(v).toFixed(1)},${y(rate).toFixed(1)}`);
    if (rate > maxY) break;
  }
  const dashed = { 'stroke-width': 2, 'stroke-dasharray': '6 4' };
  add('polyline', { points: curve.join(' '), fill: 'none', stroke: '#38761d', ...dashed });
  add('line', { x1: M.left, x2: M.left + plotW, y1: y(parseBoundPagesPerS), y2: y(parseBoundPagesPerS), stroke: '#674ea7', ...dashed });

  for (const p of points) {
    const [cx, cy, fill] = [x(p.inFlight), y(p.pagesPerS), COLORS[p.kind]];
    const title = svgElement('title', {}, `${p.label}: ${p.pagesPerS.toFixed(0)} pages/s at ${p.inFlight} in flight`);
    add('circle', { cx, cy, r: p.kind === 'sweep' ? 4 : 6, fill, stroke: '#fff' }, title);
    if (p.kind !== 'sweep') add('text', { x: cx + 8, y: cy - 8, fill }, p.label);
  }

  const legend: [string, string, boolean][] = [
    ['#38761d', `latency bound (in flight / ${latencyMs} ms)`, true],
    ['#674ea7', `parse-CPU bound (${Math.round(parseBoundPagesPerS)} pages/s)`, true],
    [COLORS.baseline, 'baselines', false],
    [COLORS.default, 'fanout defaults', false],
    [COLORS.sweep, 'fanout sweep points', false],
    [COLORS.best, 'fanout best (re-run, median of 3)', false],
  ];
  legend.forEach(([color, text, isLine], i) => {
    const ly = M.top + 10 + i * 20;
    const lx = M.left + plotW + 12;
    if (isLine) add('line', { x1: lx, x2: lx + 18, y1: ly, y2: ly, stroke: color, ...dashed });
    else add('circle', { cx: lx + 9, cy: ly, r: 5, fill: color });
    add('text', { x: lx + 24, y: ly + 4, 'font-size': 11 }, text);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

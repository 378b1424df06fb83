/**
 * Hand-written SVG charts. Two simple bar charts did not justify a chart library: every candidate
 * either needs a DOM (a browser or jsdom at build time) or would add a dependency larger than this
 * file, and plain SVG inlines into the HTML with no script at view time.
 */
import { HISTOGRAM_BUCKETS_PER_DOUBLING as PER_DOUBLING } from '../constants';
import type { FetchTimes, Throughput } from '../report-data';
import { html, type SafeHtml } from './escape';
import { formatCount, formatMsShort, formatRate } from './format';
import { r1, valueGridLine, xAxisMark, type GridStyle, type PlotBox } from './svg';

const WIDTH = 760;
const HEIGHT = 230;
const PAD = { left: 56, right: 16, top: 26, bottom: 30 };
const PLOT_W = WIDTH - PAD.left - PAD.right;
const PLOT_H = HEIGHT - PAD.top - PAD.bottom;
const BOX: PlotBox = { left: PAD.left, top: PAD.top, width: PLOT_W, height: PLOT_H };
/** Classes styled in styles.ts. */
const GRID: GridStyle = { line: { class: 'grid' }, label: { class: 'tick-label' } };
const TICK: GridStyle = { line: { class: 'tick' }, label: { class: 'tick-label' } };

/** Position of `ms` on the histogram's axis, in bucket units: linear below 1 ms, log above. */
function logPosition(ms: number): number {
  return ms < 1 ? ms : 1 + Math.log2(ms) * PER_DOUBLING;
}

/** Fetch-time histogram on a log axis, with p50, p95 and p99 marked. */
export function fetchTimeSvg(t: FetchTimes): SafeHtml {
  const lo = logPosition(t.buckets[0]!.fromMs);
  const hi = Math.max(lo + 1, logPosition(t.buckets[t.buckets.length - 1]!.toMs));
  const x = (ms: number): number => PAD.left + ((logPosition(ms) - lo) / (hi - lo)) * PLOT_W;
  const maxCount = Math.max(...t.buckets.map((b) => b.count));
  const y = (count: number): number => PAD.top + PLOT_H - (count / maxCount) * PLOT_H;

  const bars = t.buckets.map((b) => {
    const x0 = x(b.fromMs);
    const w = Math.max(1, x(b.toMs) - x0 - 1);
    return html`<rect class="bar" x="${r1(x0)}" y="${r1(y(b.count))}" width="${r1(w)}" height="${r1(PAD.top + PLOT_H - y(b.count))}"><title>${formatMsShort(b.fromMs)}&ndash;${formatMsShort(b.toMs)}: ${formatCount(b.count)}</title></rect>`;
  });
  const ticks = [0.1, 1, 10, 100, 1000, 10_000, 100_000, 1_000_000]
    .filter((ms) => logPosition(ms) >= lo && logPosition(ms) <= hi)
    .map((ms) => xTick(x(ms), formatMsShort(ms)));
  const markers = (
    [
      ['p50', t.p50Ms],
      ['p95', t.p95Ms],
      ['p99', t.p99Ms],
    ] as const
  ).map(([label, ms], i) => {
    const mx = r1(x(ms));
    // Labels stagger down the plot so close percentiles do not overprint; near the right edge they flip left.
    const flip = mx > PAD.left + PLOT_W - 90;
    const ly = PAD.top + 10 + i * 14;
    return html`<line class="marker m${i}" x1="${mx}" x2="${mx}" y1="${PAD.top}" y2="${PAD.top + PLOT_H}"/><text class="marker-label m${i}" x="${flip ? mx - 4 : mx + 4}" y="${ly}" text-anchor="${flip ? 'end' : 'start'}">${label} ${formatMsShort(ms)}</text>`;
  });
  return frame('Fetch time histogram', [...yAxis(maxCount, formatCount), ...ticks, ...bars, ...markers]);
}

/** Records completed per second over the run, one bar per time bin, with the run's mean marked. */
export function throughputSvg(t: Throughput, meanPerSec: number | null): SafeHtml {
  const n = t.counts.length;
  const binSecs = t.binMs / 1000;
  const rates = t.counts.map((c) => c / binSecs);
  const maxRate = Math.max(...rates, meanPerSec ?? 0) || 1;
  const y = (rate: number): number => PAD.top + PLOT_H - (rate / maxRate) * PLOT_H;
  const barW = PLOT_W / n;
  const bars = rates.map((rate, i) =>
    rate === 0
      ? html``
      : html`<rect class="bar" x="${r1(PAD.left + i * barW)}" y="${r1(y(rate))}" width="${r1(Math.max(0.6, barW - (barW > 3 ? 1 : 0)))}" height="${r1(PAD.top + PLOT_H - y(rate))}"/>`,
  );
  const totalMs = n * t.binMs;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => xTick(PAD.left + f * PLOT_W, formatMsShort(f * totalMs)));
  const mean =
    meanPerSec === null
      ? html``
      : html`<line class="marker m1" x1="${PAD.left}" x2="${PAD.left + PLOT_W}" y1="${r1(y(meanPerSec))}" y2="${r1(y(meanPerSec))}"/><text class="marker-label m1" x="${PAD.left + PLOT_W}" y="${r1(y(meanPerSec) - 4)}" text-anchor="end">mean ${formatRate(meanPerSec)}/s</text>`;
  return frame('Pages completed per second', [...yAxis(maxRate, formatRate), ...ticks, ...bars, mean]);
}

function frame(title: string, parts: SafeHtml[]): SafeHtml {
  return html`<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${title}" xmlns="http://www.w3.org/2000/svg"><line class="axis" x1="${PAD.left}" x2="${PAD.left + PLOT_W}" y1="${PAD.top + PLOT_H}" y2="${PAD.top + PLOT_H}"/>${parts}</svg>`;
}

function xTick(x: number, label: string): SafeHtml {
  return xAxisMark(BOX, x, label, TICK, 'tick');
}

function yAxis(max: number, format: (n: number) => string): SafeHtml[] {
  return [0, 0.5, 1].map((f) => valueGridLine(BOX, PAD.top + PLOT_H - f * PLOT_H, format(f * max), GRID));
}

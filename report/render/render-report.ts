/**
 * Renders report data as one self-contained HTML page: inline CSS and SVG, no script, no external
 * reference of any kind, so it opens from disk or an e-mail attachment with no network.
 */
import type { ReportData } from '../report-data';
import { html, SafeHtml } from './escape';
import { formatBytes, formatCount, formatMs, formatPercent, formatRate, formatUsd } from './format';
import { badLinesSection, failedSection, hostsSection, optionsSection, outcomesSection, slowestSection } from './sections';
import { REPORT_CSS } from './styles';
import { fetchTimeSvg, throughputSvg } from './svg-charts';

/** Share of failures above which the verdict turns amber, then red. */
const WARN_FAILED_SHARE = 0.01;
const BAD_FAILED_SHARE = 0.1;

/** The whole report as an HTML document. Pure: the same data gives the same bytes. */
export function renderReport(data: ReportData): string {
  const title = `fanout report${data.run.runId ? ` — ${data.run.runId}` : ''}`;
  const head = html`<meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"><title>${title}</title><style>${CSS}</style>`;
  const body = [
    html`<h1>${title}</h1><p class="sub">${subtitle(data)}</p>`,
    verdict(data),
    headline(data),
    outcomesSection(data),
    fetchTimeSection(data),
    throughputSection(data),
    hostsSection(data),
    slowestSection(data),
    failedSection(data),
    badLinesSection(data),
    optionsSection(data),
    html`<footer>Percentiles come from a log-scale histogram (within ~5% of the exact value). Made by fanout from ${data.source.resultsPath ?? 'a live run'}.</footer>`,
  ];
  const page = html`<!doctype html><html lang="en"><head>${head}</head><body><main>${body}</main></body></html>`;
  return page.value;
}

/** The stylesheet is a constant, not data, so it goes in unescaped (escaping would break its quotes). */
const CSS = new SafeHtml(REPORT_CSS);

function subtitle(d: ReportData): string {
  const parts = [
    d.run.startedAt ? `started ${d.run.startedAt}` : null,
    d.run.mode ? `on ${d.run.mode}` : null,
    d.source.resultsPath ? `results: ${d.source.resultsPath}` : null,
    d.source.summaryError ? `summary not used (${d.source.summaryError})` : null,
  ];
  return parts.filter((p) => p !== null).join(' · ');
}

/** The headline sentence; its "of N URLs" is the URLs tile's number, so the two always agree. */
function verdict(d: ReportData): SafeHtml {
  const { records, urls, ok, failed } = d.totals;
  const missing = urls - records;
  const share = urls > 0 ? (failed + missing) / urls : 1;
  const level = share > BAD_FAILED_SHARE ? 'bad' : share > WARN_FAILED_SHARE ? 'warn' : '';
  const unrecorded = missing > 0 ? `, ${formatCount(missing)} without a record` : '';
  const text =
    records === 0
      ? 'No records in the results file.'
      : `${formatCount(ok)} of ${formatCount(urls)} URLs fetched (${formatPercent(ok, urls)}); ${formatCount(failed)} failed${unrecorded}${d.wallMs !== null ? ` in ${formatMs(d.wallMs)}` : ''}.`;
  return html`<section class="verdict ${level}">${text}</section>`;
}

function headline(d: ReportData): SafeHtml {
  const t = d.totals;
  const cards: [string, string][] = [
    ['URLs', formatCount(t.urls)],
    ['OK', formatCount(t.ok)],
    ['Failed', formatCount(t.failed)],
    ['Duplicates', t.duplicates === null ? '–' : formatCount(t.duplicates)],
    ['Invalid', formatCount(t.invalid)],
    ['Wall time', formatMs(d.wallMs)],
    ['Pages / s', formatRate(d.pagesPerSec)],
    ['Bytes', formatBytes(t.bytes)],
    ['Retried', formatCount(t.retried)],
    ['Est. Lambda cost', d.cost ? formatUsd(d.cost.totalUsd) : d.run.mode === 'lambda' ? 'unknown' : 'n/a'],
  ];
  if (d.badLines.count > 0) cards.push(['Bad lines', formatCount(d.badLines.count)]);
  const cost = d.cost
    ? html`<p class="stats">Lambda: ${d.cost.gbSeconds.toFixed(1)} GB-s at ${d.cost.memoryMb} MB ${d.cost.architecture} = ${formatUsd(d.cost.computeUsd)}, plus ${d.cost.invocations === null ? 'an unknown number of' : formatCount(d.cost.invocations)} requests = ${formatUsd(d.cost.requestUsd)}. On-demand prices, free tier not deducted.</p>`
    : html``;
  return html`<section id="headline"><div class="cards">${cards.map(([label, value]) => html`<div class="card"><b>${value}</b><span>${label}</span></div>`)}</div>${cost}</section>`;
}

function fetchTimeSection(d: ReportData): SafeHtml {
  const t = d.fetchTimes;
  if (!t) return html`<section id="fetch-time"><h2>Fetch time</h2><p class="note">No record has a fetch time.</p></section>`;
  return html`<section id="fetch-time"><h2>Fetch time</h2>${fetchTimeSvg(t)}<p class="stats">${formatCount(t.count)} timed fetches &middot; min ${formatMs(t.minMs)} &middot; mean ${formatMs(t.meanMs)} &middot; p50 ${formatMs(t.p50Ms)} &middot; p95 ${formatMs(t.p95Ms)} &middot; p99 ${formatMs(t.p99Ms)} &middot; max ${formatMs(t.maxMs)}</p></section>`;
}

const SOURCE_LABEL = {
  arrival: 'arrival times during the run',
  'record-at': 'the records’ "at" times',
  'summary-timeline': 'summary.json’s timeline',
} as const;

function throughputSection(d: ReportData): SafeHtml {
  const t = d.throughput;
  if (!t) return html`<section id="throughput"><h2>Throughput</h2><p class="note">${d.throughputNote}</p></section>`;
  return html`<section id="throughput"><h2>Throughput</h2>${throughputSvg(t, d.pagesPerSec)}<p class="stats">Peak ${formatRate(t.peakPerSec)} pages/s in ${formatMs(t.binMs)} bins, from ${SOURCE_LABEL[t.source]}. Gaps are stalls; a long thin tail is stragglers.</p></section>`;
}

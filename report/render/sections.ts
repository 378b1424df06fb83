/** The report's tables: outcomes, hosts, URL lists, bad lines and options. Every value is escaped. */
import type { ReportData, UrlExample } from '../report-data';
import { html, type SafeHtml } from './escape';
import { formatBytes, formatCount, formatMs, formatPercent } from './format';

/** An inline bar, its length proportional to `part / whole`. */
function meter(part: number, whole: number, bad = false): SafeHtml {
  const width = whole > 0 ? Math.max(1, Math.round((80 * part) / whole)) : 0;
  return html`<span class="meter${bad ? ' bad' : ''}" style="width:${width}px"></span>`;
}

export function outcomesSection(d: ReportData): SafeHtml {
  const total = d.totals.records;
  const kinds =
    d.byKind.length === 0
      ? html`<p class="note">No failures.</p>`
      : html`<table><tr><th>Error kind</th><th class="n">URLs</th><th class="n">Share</th><th></th></tr>${d.byKind.map(
          (k) =>
            html`<tr><td class="err">${k.kind}</td><td class="n">${formatCount(k.count)}</td><td class="n">${formatPercent(k.count, total)}</td><td>${meter(k.count, total, true)}</td></tr>`,
        )}</table>`;
  const statuses =
    d.byStatus.length === 0
      ? html`<p class="note">No HTTP responses.</p>`
      : html`<table><tr><th>HTTP status</th><th class="n">URLs</th><th class="n">Share</th><th></th></tr>${d.byStatus.map(
          (s) =>
            html`<tr><td class="${s.status >= 400 ? 'err' : 'good'}">${s.status}</td><td class="n">${formatCount(s.count)}</td><td class="n">${formatPercent(s.count, total)}</td><td>${meter(s.count, total, s.status >= 400)}</td></tr>`,
        )}</table>`;
  return html`<section id="outcomes"><h2>Outcomes</h2><div class="cols"><div>${kinds}</div><div>${statuses}</div></div></section>`;
}

export function hostsSection(d: ReportData): SafeHtml {
  const { rows, other, distinct, folded } = d.hosts;
  if (rows.length === 0) return html``;
  const row = (h: (typeof rows)[number], cls = '') =>
    html`<tr class="${cls}"><td class="url">${h.host}</td><td class="n">${formatCount(h.requests)}</td><td class="n${h.errors > 0 ? ' err' : ''}">${formatCount(h.errors)}</td><td class="n">${formatPercent(h.errors, h.requests)}</td><td class="n">${formatMs(h.p95Ms)}</td><td class="n">${formatBytes(h.bytes)}</td></tr>`;
  const note = `${formatCount(distinct)}${folded ? ' (approx.)' : ''} distinct hosts; the ${rows.length} worst shown (most errors, then slowest p95).`;
  return html`<section id="hosts"><h2>Hosts, worst first</h2><p class="stats">${note}</p><table><tr><th>Host</th><th class="n">Requests</th><th class="n">Errors</th><th class="n">Error rate</th><th class="n">p95 time</th><th class="n">Bytes</th></tr>${rows.map((h) => row(h))}${other ? row(other, 'other') : ''}</table></section>`;
}

function urlTable(list: UrlExample[]): SafeHtml {
  return html`<table><tr><th>URL</th><th class="n">Time</th><th>Result</th></tr>${list.map(
    (u) =>
      html`<tr><td class="url">${u.url}</td><td class="n">${formatMs(u.ms)}</td><td>${u.ok ? html`<span class="good">${u.status ?? 'ok'}</span>` : html`<span class="err">${u.kind}${u.status !== null ? ` ${u.status}` : ''}</span><div class="msg">${u.message}</div>`}</td></tr>`,
  )}</table>`;
}

export function slowestSection(d: ReportData): SafeHtml {
  if (d.slowest.length === 0) return html``;
  return html`<section id="slowest"><h2>Slowest URLs (top ${d.slowest.length})</h2>${urlTable(d.slowest)}</section>`;
}

export function failedSection(d: ReportData): SafeHtml {
  if (d.byKind.length === 0) return html``;
  return html`<section id="failed"><h2>Failed URLs</h2><p class="stats">Up to ${d.top} examples per error kind, in the order they were read.</p>${d.byKind.map(
    (k, i) =>
      html`<details${i < 3 ? html` open` : ''}><summary><span class="err">${k.kind}</span> &mdash; ${formatCount(k.count)} URL${k.count === 1 ? '' : 's'}</summary>${urlTable(k.examples)}</details>`,
  )}</section>`;
}

export function badLinesSection(d: ReportData): SafeHtml {
  if (d.badLines.count === 0) return html``;
  return html`<section id="bad-lines"><h2 class="err">${formatCount(d.badLines.count)} unreadable line${d.badLines.count === 1 ? '' : 's'} in the results file</h2><table><tr><th class="n">Line</th><th>Why</th><th>Text</th></tr>${d.badLines.examples.map(
    (b) => html`<tr><td class="n">${b.line}</td><td class="msg">${b.reason}</td><td class="url">${b.text}</td></tr>`,
  )}</table></section>`;
}

export function optionsSection(d: ReportData): SafeHtml {
  const options = d.run.options;
  const body =
    options && Object.keys(options).length > 0
      ? html`<table>${Object.entries(options).map(
          ([key, value]) => html`<tr><th><code>${key}</code></th><td><pre>${JSON.stringify(value, null, 1) ?? String(value)}</pre></td></tr>`,
        )}</table>`
      : html`<p class="note">Not recorded${d.source.summaryPath ? ' in the summary' : ' (no summary.json given)'}.</p>`;
  return html`<section id="options"><h2>Options</h2>${body}</section>`;
}

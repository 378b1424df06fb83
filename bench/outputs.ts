/**
 * Writes a bench run's outputs: RESULTS.md, the chart, the raw results, and (full runs only) the
 * README's figures. A quick run writes `.quick` copies and leaves the README alone, so a smoke run
 * never replaces the reference.
 */
import fs from 'node:fs';
import path from 'node:path';
import { renderThroughputChart, type ChartPoint } from './chart';
import { renderReadmeBlock, spliceReadme } from './readme-block';
import { renderResults } from './report';
import type { BenchReport } from './report-types';

const ROOT = path.resolve(__dirname, '..');

function chartPoints(report: BenchReport): ChartPoint[] {
  const list = report.lists.find((l) => l.id === 'hosts');
  const rows = (list?.rows ?? []).flatMap((row) =>
    row.run
      ? [
          {
            inFlight: row.inFlight,
            pagesPerS: row.run.pagesPerS,
            label: row.label,
            kind: row.id === 'fanout-best' ? ('best' as const) : row.id === 'fanout-defaults' ? ('default' as const) : ('baseline' as const),
          },
        ]
      : [],
  );
  return [...report.sweep.map((p) => ({ inFlight: p.inFlight, pagesPerS: p.pagesPerS, label: p.config, kind: 'sweep' as const })), ...rows];
}

/** Writes the outputs; returns a note on the README (written, or why not). */
export function writeOutputs(report: BenchReport): string {
  const suffix = report.quick ? '.quick' : '';
  const chart = `throughput${suffix}.svg`;
  fs.writeFileSync(path.join(__dirname, `RESULTS${suffix}.md`), renderResults(report, chart));
  fs.writeFileSync(
    path.join(__dirname, chart),
    renderThroughputChart({
      points: chartPoints(report),
      latencyMs: report.latencyMs,
      parseBoundPagesPerS: report.parse.allCoresPagesPerS,
      title: `Throughput vs requests in flight (${report.pages} real pages, ${report.hosts} hosts, ${report.latencyMs} ms latency, ${report.machine.cores} cores)`,
    }),
  );
  fs.writeFileSync(path.join(__dirname, `results${suffix}.json`), `${JSON.stringify(report, null, 2)}\n`);
  if (report.quick) return 'README.md left alone (quick run)';
  const readmeFile = path.join(ROOT, 'README.md');
  const next = spliceReadme(fs.readFileSync(readmeFile, 'utf8'), renderReadmeBlock(report));
  if (next === undefined) return 'README.md has no bench markers: its figures were not updated';
  fs.writeFileSync(readmeFile, next);
  return 'README.md figures updated';
}

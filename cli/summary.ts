/**
 * The end-of-run summary as text for stderr (report/summary-builder.ts builds it, core/summary.ts
 * is its JSON schema).
 */
import type { RunSummary } from '../core/summary';
import { estimateLambdaCost } from '../report/lambda-cost';
import { formatBytes, formatUsd } from '../report/render/format';

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m}m${String(Math.round(s - m * 60)).padStart(2, '0')}s`;
}

/** The human summary printed on stderr at the end of a run. */
export function formatSummary(s: RunSummary): string {
  const kinds = Object.entries(s.failedByKind)
    .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
  const lines = [
    `fanout ${s.interrupted ? 'run interrupted' : 'run complete'} (${s.mode}, run ${s.runId})`,
    `  input     ${s.input.read} read, ${s.input.valid} valid, ${s.input.duplicate} duplicate, ${s.input.invalid} invalid`,
    `  records   ${s.records} written: ${s.ok} ok, ${s.failed} failed${kinds ? ` (${kinds})` : ''}`,
    `  speed     ${s.pagesPerSec} pages/s${s.fetchMs ? `; fetch p50 ${formatDuration(s.fetchMs.p50)}, p95 ${formatDuration(s.fetchMs.p95)}` : ''}`,
    `  volume    ${formatBytes(s.bytes)} in ${formatDuration(s.wallMs)}`,
  ];
  const cost = estimateLambdaCost({ mode: s.mode, lambda: s.lambda });
  if (cost) {
    const gbSeconds = cost.gbSeconds < 10 ? cost.gbSeconds.toFixed(2) : cost.gbSeconds.toFixed(0);
    lines.push(`  cost      ~${formatUsd(cost.totalUsd)} (${cost.invocations} invocations, ${gbSeconds} GB-s at ${cost.memoryMb} MB ${cost.architecture})`);
  }
  if (s.speculativeInvocations)
    lines.push(`  stragglers ${s.speculativeInvocations} speculative ${s.speculativeInvocations === 1 ? 'copy' : 'copies'} of slow chunks (first record per URL kept)`);
  if (s.lost > 0) lines.push(`  LOST      ${s.lost} URLs whose worker failed on every try (exit code 2)`);
  // Once for the lot, not per record: a first try against a local site blocks every URL the same way.
  const blocked = s.failedByKind.blocked ?? 0;
  if (blocked > 0) lines.push(`  hint      ${blocked} ${blocked === 1 ? 'URL' : 'URLs'} blocked as private addresses; pass --allow-private to allow them`);
  return lines.join('\n');
}

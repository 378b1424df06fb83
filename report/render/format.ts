/** Human-readable numbers for the report: counts, durations, sizes, money, rates. */

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** `0.8 ms`, `12 ms`, `1.24 s`, `3 min 05 s`, `2 h 03 min`. */
export function formatMs(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '–';
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const totalSecs = Math.round(ms / 1000);
  if (totalSecs < 3600) return `${Math.floor(totalSecs / 60)} min ${String(totalSecs % 60).padStart(2, '0')} s`;
  const mins = Math.round(totalSecs / 60);
  return `${Math.floor(mins / 60)} h ${String(mins % 60).padStart(2, '0')} min`;
}

/** Short axis labels: `1ms`, `250ms`, `1.5s`, `2m`. */
export function formatMsShort(ms: number): string {
  if (ms < 1000) return `${+ms.toPrecision(3)}ms`;
  if (ms < 60_000) return `${+(ms / 1000).toPrecision(3)}s`;
  if (ms < 3_600_000) return `${+(ms / 60_000).toPrecision(3)}m`;
  return `${+(ms / 3_600_000).toPrecision(3)}h`;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/**
 * Bytes in binary units with about three significant digits, the same in the CLI's summary and
 * the HTML report: `1023 B`, `1.50 KiB`, `10.0 MiB`, `123.4 MiB`.
 */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 2 : 1)} ${UNITS[unit]}`;
}

/** Dollars with enough digits to show a fraction of a cent. */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  if (usd < 0.01) return `$${usd.toPrecision(2)}`;
  return `$${usd.toFixed(usd < 100 ? 2 : 0)}`;
}

export function formatRate(perSec: number | null): string {
  if (perSec === null || !Number.isFinite(perSec)) return '–';
  if (perSec === 0) return '0';
  return perSec < 10 ? perSec.toFixed(2) : formatCount(Math.round(perSec));
}

/** `12.3%` of a whole; `–` when the whole is empty. */
export function formatPercent(part: number, whole: number): string {
  if (whole <= 0) return '–';
  const pct = (100 * part) / whole;
  return `${pct > 0 && pct < 0.1 ? '<0.1' : pct.toFixed(pct >= 10 || pct === 0 ? 0 : 1)}%`;
}

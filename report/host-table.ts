/**
 * Per-host counters and fetch-time histograms in bounded memory. Up to `2 × maxHosts` hosts are
 * tracked; past that, the least requested half is folded into one "other" row. A big host appears
 * early and often, so it survives; a host folded and seen again starts a fresh row.
 */
import { DEFAULT_MAX_HOSTS } from './constants';
import { LogHistogram } from './histogram';
import type { HostRow } from './report-data';

interface HostStats {
  requests: number;
  errors: number;
  bytes: number;
  /** Created on the first record with a time, so hosts that only failed fast cost little. */
  hist: LogHistogram | null;
}

const URL_HOST = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?([^/?#]*)/i;

/** `host[:port]` of a URL, lower-cased, without parsing the whole URL (the hot path of a 1M-line run). */
export function hostOf(url: string): string {
  const host = URL_HOST.exec(url)?.[1];
  return host ? host.toLowerCase() : '(no host)';
}

export class HostTable {
  private readonly hosts = new Map<string, HostStats>();
  private readonly other: HostStats = { requests: 0, errors: 0, bytes: 0, hist: null };
  private distinct = 0;
  private folded = false;

  constructor(private readonly maxHosts = DEFAULT_MAX_HOSTS) {}

  add(url: string, ok: boolean, bytes: number, ms: number | undefined): void {
    const host = hostOf(url);
    let stats = this.hosts.get(host);
    if (!stats) {
      if (this.hosts.size >= 2 * this.maxHosts) this.foldSmallest();
      stats = { requests: 0, errors: 0, bytes: 0, hist: null };
      this.hosts.set(host, stats);
      this.distinct += 1;
    }
    stats.requests += 1;
    if (!ok) stats.errors += 1;
    stats.bytes += bytes;
    if (ms !== undefined) {
      stats.hist ??= new LogHistogram();
      stats.hist.add(ms);
    }
  }

  /**
   * The `rows` worst hosts (most errors, then slowest p95, then most requests) and the rest
   * folded into one "other" row.
   */
  finish(rows: number): { rows: HostRow[]; other: HostRow | null; distinct: number; folded: boolean } {
    const all = [...this.hosts].map(([host, stats]) => ({ host, stats, row: toRow(host, stats) }));
    all.sort((a, b) => worseFirst(a.row, b.row));
    const rest = all.slice(rows);
    const other = mergeInto(
      { ...this.other, hist: copy(this.other.hist) },
      rest.map((h) => h.stats),
    );
    return {
      rows: all.slice(0, rows).map((h) => h.row),
      other: other.requests > 0 ? toRow('(other hosts)', other) : null,
      distinct: this.distinct,
      folded: this.folded,
    };
  }

  private foldSmallest(): void {
    const byRequests = [...this.hosts].sort((a, b) => a[1].requests - b[1].requests);
    const victims = byRequests.slice(0, byRequests.length - this.maxHosts);
    mergeInto(
      this.other,
      victims.map(([, stats]) => stats),
    );
    for (const [host] of victims) this.hosts.delete(host);
    this.folded = true;
  }
}

function mergeInto(target: HostStats, sources: HostStats[]): HostStats {
  for (const s of sources) {
    target.requests += s.requests;
    target.errors += s.errors;
    target.bytes += s.bytes;
    if (s.hist) {
      target.hist ??= new LogHistogram();
      target.hist.merge(s.hist);
    }
  }
  return target;
}

function copy(hist: LogHistogram | null): LogHistogram | null {
  if (!hist) return null;
  const clone = new LogHistogram();
  clone.merge(hist);
  return clone;
}

function toRow(host: string, s: HostStats): HostRow {
  return { host, requests: s.requests, errors: s.errors, bytes: s.bytes, p95Ms: s.hist?.quantile(0.95) ?? null };
}

function worseFirst(a: HostRow, b: HostRow): number {
  return b.errors - a.errors || (b.p95Ms ?? -1) - (a.p95Ms ?? -1) || b.requests - a.requests || (a.host < b.host ? -1 : a.host > b.host ? 1 : 0);
}

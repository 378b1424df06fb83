/**
 * Pure: the honest limits of this machine for a list, from the floors the bench measured.
 *
 * - fetch floor: CPU per page of raw undici GETs (body read, not parsed), one process;
 * - parse floor: CPU per page of htmlparser2's Tokenizer alone, one thread;
 * - site: the bench site's CPU per page, which comes out of the same cores;
 * - combined bound: all cores spent on nothing but one page's fetch plus its parse (and, in the
 *   bound used for efficiency, the site serving it); no scraper doing that work can beat it.
 * A run with few requests in flight is bound by latency first: in flight / latency.
 */
import type { FetchFloorRun } from './report-types';

export interface CombinedBound {
  cores: number;
  fetchCpuMsPerPage: number;
  parseCpuMsPerPage: number;
  siteCpuMsPerPage: number;
  /** cores / (fetch + parse): the bound if the site cost nothing. */
  withoutSitePagesPerS: number;
  /** cores / (fetch + parse + site): the bound on this machine, where the site shares the cores. */
  pagesPerS: number;
}

/**
 * Both floors are CPU time per page (the fetch floor's own CPU, the tokenizer's CPU), not wall
 * time, so a loaded machine does not shrink the bound: it shows as a lower efficiency instead.
 */
export function combinedBound(floor: FetchFloorRun, parseCpuMsPerPage: number, cores: number): CombinedBound {
  const fetchCpuMsPerPage = (floor.cpuS * 1000) / floor.pages;
  const siteCpuMsPerPage = (floor.siteCpuS * 1000) / floor.pages;
  return {
    cores,
    fetchCpuMsPerPage,
    parseCpuMsPerPage,
    siteCpuMsPerPage,
    withoutSitePagesPerS: (cores * 1000) / (fetchCpuMsPerPage + parseCpuMsPerPage),
    pagesPerS: (cores * 1000) / (fetchCpuMsPerPage + parseCpuMsPerPage + siteCpuMsPerPage),
  };
}

/** The latency bound: each request slot finishes at most one page per `latencyMs`. */
export function latencyBound(inFlight: number, latencyMs: number): number {
  return (inFlight * 1000) / latencyMs;
}

/** The limit a run with `inFlight` requests in flight can reach: the smaller of the latency and combined bounds. */
export function rowLimit(inFlight: number, latencyMs: number, bound: CombinedBound): { pagesPerS: number; by: 'latency' | 'CPU' } {
  const latency = latencyBound(inFlight, latencyMs);
  return latency < bound.pagesPerS ? { pagesPerS: latency, by: 'latency' } : { pagesPerS: bound.pagesPerS, by: 'CPU' };
}

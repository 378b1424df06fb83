/**
 * Pure: what scraping `pages` pages costs on AWS Lambda (arm64), from the per-page CPU and wall
 * time measured by the benchmark. Used by `npm run bench` (bench/RESULTS.md) and `fanout run --dry-run`.
 *
 * Model, per chunk (one invocation):
 *   duration = overheadMs + chunkSize x max(latencyMs / concurrency, cpuMsPerPage / vcpus)
 * - A worker keeps `concurrency` requests in flight, so waiting on the network alone finishes
 *   one page every `latencyMs / concurrency` ms.
 * - Parsing is CPU on one thread (the worker is one Node process); Lambda gives CPU in proportion
 *   to memory, one full vCPU at 1,769 MB, so below that the CPU part stretches by 1769 / memoryMb.
 *   More memory than 1,769 MB buys more vCPUs that one Node thread cannot use, so it is capped at 1.
 * - Whichever is slower sets the pace (the two overlap: parsing happens while other requests wait).
 * Billed: duration (rounded up to 1 ms) x memory in GB, plus one request charge per invocation.
 */
import { LAMBDA_PRICING } from './constants';

/** Lambda arm64 compute price, USD per GB-second (from the one price table, report/constants.ts). */
export const ARM64_USD_PER_GB_SECOND = LAMBDA_PRICING.usdPerGbSecond.arm64;
/** Lambda request price, USD per one million invocations. */
export const USD_PER_MILLION_REQUESTS = LAMBDA_PRICING.usdPerRequest * 1_000_000;
/** Memory at which a Lambda function gets one full vCPU. */
export const FULL_VCPU_MEMORY_MB = 1769;

/**
 * Defaults for a real-world run. `cpuMsPerPage`: one fanout worker alone on the bench's real pages
 * used 3.3-3.6 CPU ms per page on one core of the 2-core bench machine (bench/profile-worker.ts,
 * 2,000 pages, start-up included), rounded up to 4 for Graviton cores and heavier real pages.
 * `latencyMs`: a typical 500 ms per real page fetch (TTFB plus transfer). `concurrency`: the
 * worker's default. `overheadMsPerInvocation`: 30 ms (event validation, result serialisation, a
 * share of cold starts).
 */
export const DEFAULT_COST_PROFILE = {
  cpuMsPerPage: 4,
  latencyMs: 500,
  concurrency: 64,
  overheadMsPerInvocation: 30,
} as const;

export interface CostInput {
  /** Pages to scrape. */
  pages: number;
  /** URLs per invocation. */
  chunkSize: number;
  /** Lambda memory size, MB (128 to 10,240). */
  memoryMb: number;
  /** CPU ms one page costs the worker on one full vCPU (fetch + decode + parse + record). @default DEFAULT_COST_PROFILE.cpuMsPerPage */
  cpuMsPerPage?: number;
  /** Wall ms one page's fetch takes (latency plus transfer). @default 500 */
  latencyMs?: number;
  /** Requests a worker keeps in flight. @default 64 */
  concurrency?: number;
  /** Fixed ms per invocation on top of the pages. @default 30 */
  overheadMsPerInvocation?: number;
  /** @default ARM64_USD_PER_GB_SECOND */
  usdPerGbSecond?: number;
  /** @default USD_PER_MILLION_REQUESTS */
  usdPerMillionRequests?: number;
}

export interface CostEstimate {
  invocations: number;
  /** Billed duration of one full chunk, ms. */
  msPerChunk: number;
  /** Wall ms per page inside a worker, and which limit set it. */
  msPerPage: number;
  boundBy: 'latency' | 'cpu';
  /** vCPU share the memory size buys a single-threaded worker (max 1). */
  vcpus: number;
  gbSeconds: number;
  computeUsd: number;
  requestUsd: number;
  totalUsd: number;
  usdPerMillionPages: number;
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
}

/**
 * Estimates the Lambda bill for a run. Pure; throws RangeError on a non-positive input.
 * @example
 * estimateCost({ pages: 1_000_000, chunkSize: 250, memoryMb: 1769, cpuMsPerPage: 4 })
 * // { invocations: 4000, boundBy: 'latency', msPerChunk: 1984, usdPerMillionPages: ~0.18, ... }
 */
export function estimateCost(input: CostInput): CostEstimate {
  const pages = input.pages;
  if (!Number.isInteger(pages) || pages < 0) throw new RangeError(`pages must be a non-negative integer, got ${pages}`);
  const chunkSize = positive('chunkSize', input.chunkSize);
  const memoryMb = positive('memoryMb', input.memoryMb);
  const cpuMsPerPage = positive('cpuMsPerPage', input.cpuMsPerPage ?? DEFAULT_COST_PROFILE.cpuMsPerPage);
  const latencyMs = positive('latencyMs', input.latencyMs ?? DEFAULT_COST_PROFILE.latencyMs);
  const concurrency = positive('concurrency', input.concurrency ?? DEFAULT_COST_PROFILE.concurrency);
  const overheadMs = input.overheadMsPerInvocation ?? DEFAULT_COST_PROFILE.overheadMsPerInvocation;
  if (!Number.isFinite(overheadMs) || overheadMs < 0) throw new RangeError(`overheadMsPerInvocation must be >= 0, got ${overheadMs}`);
  const usdPerGbSecond = input.usdPerGbSecond ?? ARM64_USD_PER_GB_SECOND;
  const usdPerMillionRequests = input.usdPerMillionRequests ?? USD_PER_MILLION_REQUESTS;

  const vcpus = Math.min(1, memoryMb / FULL_VCPU_MEMORY_MB);
  const latencyPace = latencyMs / Math.min(concurrency, chunkSize);
  const cpuPace = cpuMsPerPage / vcpus;
  const msPerPage = Math.max(latencyPace, cpuPace);
  const boundBy = cpuPace > latencyPace ? 'cpu' : 'latency';

  const fullChunks = Math.floor(pages / chunkSize);
  const lastChunk = pages - fullChunks * chunkSize;
  const billedMs = (urls: number) => Math.ceil(overheadMs + urls * msPerPage);
  const totalMs = fullChunks * billedMs(chunkSize) + (lastChunk > 0 ? billedMs(lastChunk) : 0);
  const invocations = fullChunks + (lastChunk > 0 ? 1 : 0);

  const gbSeconds = (totalMs / 1000) * (memoryMb / 1024);
  const computeUsd = gbSeconds * usdPerGbSecond;
  const requestUsd = (invocations / 1e6) * usdPerMillionRequests;
  const totalUsd = computeUsd + requestUsd;
  return {
    invocations,
    msPerChunk: billedMs(chunkSize),
    msPerPage,
    boundBy,
    vcpus,
    gbSeconds,
    computeUsd,
    requestUsd,
    totalUsd,
    usdPerMillionPages: pages === 0 ? 0 : (totalUsd / pages) * 1e6,
  };
}

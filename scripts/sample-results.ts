/**
 * A deterministic, realistic-looking results stream for tests, the README screenshot and the
 * 1M-line benchmark: mostly successes with log-normal fetch times, a few slow hosts, and the usual
 * failures (404s, timeouts, DNS, connection refused, invalid lines), each record with an `at` time.
 */
import { seededRandom } from './seeded-random';
import type { ErrorKind, Outcome } from '../core/contract';

/** A full contract outcome with its `at` (when it was written) set. */
export type SampleRecord = Outcome & { at: string };

export interface SampleOptions {
  /** Records to generate. */
  count: number;
  /** Seed of the pseudo-random sequence: the same seed gives the same records. @default 1 */
  seed?: number;
  /** Distinct hosts the URLs spread over. @default 40 */
  hosts?: number;
  /** Records completed per second, on average (sets the `at` times). @default 250 */
  ratePerSec?: number;
  /** When the sample run started, ms since the epoch (fixed, so output is reproducible). @default 2025-01-01T00:00:00Z */
  startedAtMs?: number;
}

const FAILURES: { kind: ErrorKind; weight: number; status?: number; message: string }[] = [
  { kind: 'http', weight: 40, status: 404, message: 'HTTP 404 Not Found' },
  { kind: 'http', weight: 10, status: 503, message: 'HTTP 503 Service Unavailable after 3 attempts' },
  { kind: 'timeout', weight: 20, message: 'no response within 30000 ms' },
  { kind: 'dns', weight: 12, message: 'getaddrinfo ENOTFOUND' },
  { kind: 'connect', weight: 10, message: 'connect ECONNREFUSED' },
  { kind: 'tls', weight: 4, message: 'certificate has expired' },
  { kind: 'too-large', weight: 4, message: 'body passed maxBytes (10485760 bytes)' },
];
const FAILURE_WEIGHT = FAILURES.reduce((sum, f) => sum + f.weight, 0);

/** Yields `count` records, lazily, so a million of them never sit in memory at once. */
export function* sampleRecords(options: SampleOptions): Generator<SampleRecord> {
  const random = seededRandom(options.seed ?? 1);
  const hostCount = options.hosts ?? 40;
  const msPerRecord = 1000 / (options.ratePerSec ?? 250);
  const startedAtMs = options.startedAtMs ?? Date.UTC(2025, 0, 1);
  let elapsedMs = 0;
  for (let i = 0; i < options.count; i++) {
    // A stall a third of the way in, and a slow straggling tail: what the throughput chart is for.
    const stalled = i > options.count * 0.33 && i < options.count * 0.36;
    elapsedMs += msPerRecord * (stalled ? 6 : i > options.count * 0.97 ? 8 : 1) * (0.5 + random());
    const at = new Date(startedAtMs + Math.round(elapsedMs)).toISOString();
    const h = Math.floor(random() ** 1.6 * hostCount); // skewed: a few hosts get most URLs
    const host = `site-${h}.example.${h % 3 === 0 ? 'org' : 'com'}`;
    const url = `https://${host}/articles/${i}?ref=feed`;
    const slowHost = h % 11 === 5;
    const gaussian = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    const ms = Math.round(Math.exp(5.3 + 0.7 * gaussian) * (slowHost ? 6 : 1) * 10) / 10;
    const attempts = random() < 0.04 ? 2 : 1;
    const roll = random();
    if (roll < 0.004) {
      const error = { kind: 'invalid-url' as const, message: 'not an absolute http(s) URL' };
      yield { url: `not a url ${i}`, ok: false, error, attempts: 0, at };
    } else if (roll < (slowHost ? 0.2 : 0.05)) {
      let pick = random() * FAILURE_WEIGHT;
      const failure =
        FAILURES.find((f) => {
          pick -= f.weight;
          return pick < 0;
        }) ?? FAILURES[0]!;
      const { kind, message, status } = failure;
      const error = status === undefined ? { kind, message } : { kind, message, status };
      const timedOut = kind === 'timeout';
      yield { url, ok: false, error, attempts: timedOut ? 3 : attempts, ms: timedOut ? 30_000 : ms, at };
    } else {
      const status = random() < 0.03 ? 203 : 200;
      const links = Array.from({ length: 8 }, (_, k) => `https://${host}/articles/${(i * 7 + k * 13) % options.count}`);
      yield {
        url,
        ok: true,
        finalUrl: url,
        status,
        contentType: 'text/html; charset=utf-8',
        bytes: Math.round(8000 + random() * 120_000),
        ms,
        title: `Article ${i} on ${host}`,
        description: 'A sample page used to exercise the report.',
        links,
        attempts,
        at,
      };
    }
  }
}

/**
 * Faults at the connection and protocol level: resets, silence, drips, slow-loris headers, bytes
 * that are not HTTP, lies about length, broken chunking. Each ends as one record of the right kind.
 * Faults that end by themselves run with a generous timeoutMs, so a slow machine cannot turn them
 * into timeouts; faults that only a timeout can end run with TIMEOUT_MS and must end by the
 * worker's own deadline, no sooner (measure.ts). Retries are off unless the case is about them.
 */
import { closeAgents, setConnectSeamsForTests } from '../../http/agent';
import type { ErrorKind, Outcome, ScrapeOptionsInput } from '../../core/contract';
import { scrapeChunk } from '../../functions/worker/scrape-chunk';
import { startFaultServer, type FaultServer } from '../helpers/fault-server';
import { expectTimedOut, GENEROUS_TIMEOUT_MS } from './measure';

const TIMEOUT_MS = 800;
let server: FaultServer;

beforeAll(async () => {
  server = await startFaultServer();
});
afterAll(async () => {
  await server.close();
  await closeAgents();
});

async function scrape(url: string, options: ScrapeOptionsInput = {}): Promise<Outcome> {
  const { outcomes, unstarted } = await scrapeChunk([url], { allowPrivate: true, retries: 0, timeoutMs: GENEROUS_TIMEOUT_MS, ...options });
  expect(unstarted).toStrictEqual([]);
  return outcomes[0]!;
}

describe('one attempt, one record of the right kind', () => {
  it.each<[string, ErrorKind, () => string]>([
    // The status line had not arrived, so nothing was served: the contract counts a reset then
    // as `connect` (errors.ts), the same as a reset during the handshake.
    ['a reset mid-headers', 'connect', () => `${server.rawOrigin}/reset-headers`],
    ['a reset mid-body', 'network', () => `${server.origin}/reset-body`],
    ['a close right after accept', 'connect', () => `${server.acceptCloseOrigin}/`],
    ['a garbage status line', 'network', () => `${server.rawOrigin}/garbage-status`],
    ['invalid header lines', 'network', () => `${server.rawOrigin}/invalid-header`],
    ['a Content-Length larger than the body, then close', 'network', () => `${server.rawOrigin}/short-body`],
    ['a bad chunk size', 'network', () => `${server.rawOrigin}/bad-chunk`],
    ['chunked encoding cut before the last chunk', 'network', () => `${server.rawOrigin}/truncated-chunked`],
  ])('%s -> %s, without waiting for the timeout', async (_name, kind, url) => {
    // Had the worker missed the fault and waited, the record would say `timeout` instead.
    expect(await scrape(url())).toMatchObject({ ok: false, error: { kind }, attempts: 1 });
  });

  it.each<[string, () => string]>([
    ['a server that never answers', () => `${server.origin}/never`],
    ['a body dripped a byte at a time', () => `${server.origin}/drip`],
    ['slow-loris headers, a line at a time', () => `${server.rawOrigin}/slow-headers`],
  ])("%s -> timeout, by the worker's deadline", async (_name, url) => {
    // These servers never finish: without the deadline the test would hang until jest's timeout.
    expectTimedOut(await scrape(url(), { timeoutMs: TIMEOUT_MS }), TIMEOUT_MS);
  });

  it('a hanging DNS lookup, a silent, a dripping and a slow-loris server each get their whole timeoutMs, no less', async () => {
    // The drip and the slow-loris send something every DRIP_INTERVAL_MS, so no per-read idle timer
    // would ever fire. undici's headers/body timers share a 499 ms tick and count from the tick
    // before they were set: with another request already in flight (the pacer, started 300 ms
    // earlier), a 998 ms undici timeout would fire about 300 ms early. The worker's own deadline
    // must be what ends these attempts, at timeoutMs. The resolver seam plays a lookup that never
    // answers, which undici's connect timer (also a fast timer) covers.
    await setConnectSeamsForTests({ lookup: () => undefined });
    const pacer = new AbortController();
    const paced = scrapeChunk([`${server.origin}/never?pacer`], { allowPrivate: true, retries: 0, timeoutMs: 5_000 }, { signal: pacer.signal });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const timeoutMs = 998;
    const urls = [`http://hang.test:${server.port}/`, `${server.origin}/never?full`, `${server.origin}/drip?full`, `${server.rawOrigin}/slow-headers?full`];
    const { outcomes } = await scrapeChunk(urls, { allowPrivate: true, retries: 0, timeoutMs });
    pacer.abort();
    await paced;
    await setConnectSeamsForTests({});
    expect(outcomes).toHaveLength(4);
    for (const outcome of outcomes) expectTimedOut(outcome, timeoutMs);
  });

  it('retried faults still give one record, the attempts counted', async () => {
    const outcome = await scrape(`${server.origin}/reset-body`, { retries: 2 });
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'network' }, attempts: 3 });
  });
});

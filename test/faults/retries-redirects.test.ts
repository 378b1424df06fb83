/**
 * Well-formed but unhelpful answers: a 5xx then success, 429 with Retry-After in seconds and as an
 * HTTP date, redirect loops, and redirect chains exactly at maxRedirects and one over.
 * Each case is held to its attempts and to what the server saw, not to a stopwatch; a Retry-After
 * wait is checked from below (a loaded machine can only make it longer). The timeoutMs is
 * generous, since no case here is about a timeout.
 */
import { closeAgents } from '../../http/agent';
import type { Outcome, ScrapeOptionsInput } from '../../core/contract';
import { scrapeChunk } from '../../functions/worker/scrape-chunk';
import { startFaultServer, type FaultServer } from '../helpers/fault-server';
import { GENEROUS_TIMEOUT_MS } from './measure';

const MAX_REDIRECTS = 5;
let server: FaultServer;

beforeAll(async () => {
  server = await startFaultServer();
});
afterAll(async () => {
  await server.close();
  await closeAgents();
});

async function scrape(url: string, options: ScrapeOptionsInput = {}): Promise<Outcome> {
  const { outcomes } = await scrapeChunk([url], { allowPrivate: true, timeoutMs: GENEROUS_TIMEOUT_MS, maxRedirects: MAX_REDIRECTS, ...options });
  return outcomes[0]!;
}

describe('retries', () => {
  it('a 503 then success: two attempts, the page recorded', async () => {
    const url = `${server.origin}/flaky?case=503`;
    const outcome = await scrape(url, { retries: 2 });
    expect(outcome).toMatchObject({ ok: true, status: 200, title: 'recovered', attempts: 2 });
    expect(server.hits('/flaky?case=503')).toBe(2);
  });

  it('a 429 with Retry-After: 1 waits a second before asking again', async () => {
    const outcome = await scrape(`${server.origin}/429-seconds`, { retries: 1 });
    expect(outcome).toMatchObject({ ok: true, title: 'after seconds', attempts: 2 });
    expect(outcome.ms).toBeGreaterThanOrEqual(950);
  });

  it('a 429 with Retry-After as an HTTP date waits until that date', async () => {
    // The date is now + 2 s in whole seconds, so the wait is between 1 and 2 s.
    const outcome = await scrape(`${server.origin}/429-date`, { retries: 1 });
    expect(outcome).toMatchObject({ ok: true, title: 'after date', attempts: 2 });
    expect(outcome.ms).toBeGreaterThanOrEqual(950);
  });

  it('a 429 with no retries left is an http record with its status', async () => {
    const outcome = await scrape(`${server.origin}/429-seconds?case=no-retries`, { retries: 0 });
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'http', status: 429 }, attempts: 1 });
  });
});

describe('redirects', () => {
  it.each(['/loop-a', '/self'])('%s is a redirect-loop, not retried', async (path) => {
    const outcome = await scrape(`${server.origin}${path}`, { retries: 2 });
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'redirect-loop' }, attempts: 1 });
  });

  it(`a chain of exactly maxRedirects (${MAX_REDIRECTS}) hops is followed`, async () => {
    const outcome = await scrape(`${server.origin}/chain/0/${MAX_REDIRECTS}`);
    expect(outcome).toMatchObject({ ok: true, title: `end of chain ${MAX_REDIRECTS}`, finalUrl: `${server.origin}/chain/${MAX_REDIRECTS}/${MAX_REDIRECTS}` });
  });

  it('one hop more is too-many-redirects, and the extra hop is never requested', async () => {
    const end = MAX_REDIRECTS + 1;
    const outcome = await scrape(`${server.origin}/chain/0/${end}`, { retries: 2 });
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'too-many-redirects' }, attempts: 1 });
    expect(server.hits(`/chain/${MAX_REDIRECTS}/${end}`)).toBe(1);
    expect(server.hits(`/chain/${end}/${end}`)).toBe(0);
  });

  it('a long chain (50 hops) with a low cap stops at the cap', async () => {
    const outcome = await scrape(`${server.origin}/chain/100/150`);
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'too-many-redirects' } });
    expect(server.hits(`/chain/${100 + MAX_REDIRECTS + 1}/150`)).toBe(0);
  });
});

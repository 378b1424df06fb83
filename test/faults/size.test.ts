/**
 * Bodies too big to hold: 60 MB (with and without Content-Length), a gzip bomb and a brotli bomb.
 * Each must end as `too-large` with the cap counted in decoded bytes, abort the transfer early
 * (the server sees its socket close before it has written everything), and keep the process's
 * RSS growth under MEMORY_LIMIT_MB.
 */
import { closeAgents } from '../../http/agent';
import type { Outcome, ScrapeOptionsInput } from '../../core/contract';
import { scrapeChunk } from '../../functions/worker/scrape-chunk';
import { HUGE_BYTES, makeBomb, startFaultServer, type FaultServer } from '../helpers/fault-server';
import { GENEROUS_TIMEOUT_MS, report, withinMemory } from './measure';

const MAX_BYTES = 1024 * 1024;
const MEMORY_LIMIT_MB = 100;
/** Decoded size of each bomb: far past both maxBytes and MEMORY_LIMIT_MB. */
const BOMB_BYTES = 200 * 1024 * 1024;
let server: FaultServer;
const bombs = new Map<string, Buffer>();

beforeAll(async () => {
  const [gzip, br] = await Promise.all([makeBomb('gzip', BOMB_BYTES), makeBomb('br', BOMB_BYTES)]);
  bombs.set('gzip', gzip).set('br', br);
  server = await startFaultServer({ bombs });
});
afterAll(async () => {
  console.log(report('size.test.ts'));
  await server.close();
  await closeAgents();
});

async function scrape(url: string, options: ScrapeOptionsInput = {}): Promise<Outcome> {
  const { outcomes } = await scrapeChunk([url], { allowPrivate: true, retries: 2, timeoutMs: GENEROUS_TIMEOUT_MS, maxBytes: MAX_BYTES, ...options });
  return outcomes[0]!;
}

describe('a 60 MB body', () => {
  it.each([
    ['streamed without Content-Length', 'chunked', ''],
    ['with a Content-Length', 'declared', '&declared'],
  ])('%s is too-large, not retried, and the transfer stops early', async (_name, id, query) => {
    const outcome = await withinMemory(`60 MB ${id}`, MEMORY_LIMIT_MB, () => scrape(`${server.origin}/huge?id=${id}${query}`));
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'too-large' }, attempts: 1 });
    const sent = server.stream(id)!;
    await sent.closed;
    expect(sent.completed).toBe(false);
    // What was written before the close: at most the cap plus socket buffers, far short of 60 MB.
    expect(sent.bytesWritten).toBeLessThan(HUGE_BYTES / 4);
    console.log(`60 MB ${id}: the server wrote ${(sent.bytesWritten / 1024 / 1024).toFixed(1)} MB before the close`);
  });
});

describe('compression bombs', () => {
  it.each(['gzip', 'br'])('a %s bomb is too-large by decoded bytes, inflated no further than the cap', async (coding) => {
    const outcome = await withinMemory(`${coding} bomb`, MEMORY_LIMIT_MB, () => scrape(`${server.origin}/bomb?coding=${coding}`));
    expect(outcome).toMatchObject({
      ok: false,
      error: { kind: 'too-large', message: expect.stringContaining('after decompression') },
      attempts: 1,
    });
  });

  it.each(['gzip', 'br'])('the %s bomb is smaller than the cap on the wire, so only decoded bytes can trip it (control)', (coding) => {
    expect(bombs.get(coding)!.length).toBeLessThan(MAX_BYTES / 4);
  });
});

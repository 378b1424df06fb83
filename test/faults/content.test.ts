/**
 * Awkward content and awkward URLs: charsets declared only in <meta>, a BOM that contradicts the
 * header, invalid UTF-8, a PNG, an empty body, broken HTML (garbage bytes, a 1 MiB attribute,
 * 10,000 nested divs), an 8 KiB and a 64 KiB path, a unicode path and a unicode (IDN) host.
 * Pages that are pages must come back `ok` with the right text; none may crash the worker.
 */
import dns from 'node:dns';
import { closeAgents, setConnectSeamsForTests } from '../../http/agent';
import type { Outcome, ScrapeOptionsInput } from '../../core/contract';
import { scrapeChunk } from '../../functions/worker/scrape-chunk';
import type { LookupFunction } from '../../http/ssrf-guard';
import { BROKEN_PAGE, DEEP_PAGE, PNG, startFaultServer, type FaultServer } from '../helpers/fault-server';
import { GENEROUS_TIMEOUT_MS } from './measure';

let server: FaultServer;

beforeAll(async () => {
  server = await startFaultServer();
});
afterAll(async () => {
  await server.close();
  await closeAgents();
});

async function scrape(url: string, options: ScrapeOptionsInput = {}): Promise<Outcome> {
  const { outcomes } = await scrapeChunk([url], { allowPrivate: true, retries: 0, timeoutMs: GENEROUS_TIMEOUT_MS, ...options });
  return outcomes[0]!;
}

describe('bytes to text', () => {
  it.each([
    ['a windows-1251 charset declared only in <meta>', '/meta-charset', 'Привет'],
    ['a UTF-8 BOM, which outranks the header charset (windows-1252)', '/bom', 'Grüße'],
    ['invalid UTF-8 sequences, each replaced by U+FFFD', '/invalid-utf8', 'a\uFFFD\uFFFD\uFFFDb'],
  ])('%s', async (_name, path, title) => {
    const outcome = await scrape(`${server.origin}${path}`);
    expect(outcome).toMatchObject({ ok: true, status: 200, title });
  });

  it('a PNG served as 200 is recorded and counted, not parsed', async () => {
    const outcome = await scrape(`${server.origin}/png`, { extract: { t: { selector: 'title' } } });
    expect(outcome).toMatchObject({ ok: true, contentType: 'image/png', bytes: PNG.length, title: null, description: null, links: [] });
    expect(outcome).not.toHaveProperty('data');
  });

  it('an empty body is a page with nulls', async () => {
    expect(await scrape(`${server.origin}/empty`)).toMatchObject({ ok: true, bytes: 0, title: null, description: null, links: [] });
  });
});

describe('broken HTML', () => {
  it('unclosed tags and 64 KiB of random bytes: title, description and the first link survive', async () => {
    const outcome = await scrape(`${server.origin}/broken`);
    expect(outcome).toMatchObject({ ok: true, bytes: BROKEN_PAGE.length, title: 'Broken & co', description: 'unquoted' });
    expect(outcome.ok && outcome.links[0]).toBe(`${server.origin}/x`);
  });

  it('a 1 MiB attribute, with an extraction spec that reads it', async () => {
    const outcome = await scrape(`${server.origin}/huge-attribute`, { extract: { x: { selector: 'div', attr: 'data-x' } } });
    expect(outcome).toMatchObject({ ok: true, title: 'Attr', links: [`${server.origin}/after`] });
    expect(outcome.ok && (outcome.data!.x as string).length).toBe(1024 * 1024);
  });

  it.each([
    ['without a spec', undefined],
    ['with a text and an html spec', { text: { selector: 'a' }, inner: { selector: 'div', html: true } }],
  ])('10,000 nested divs %s: no stack overflow, and the record still has the link at the bottom', async (_name, extract) => {
    const outcome = await scrape(`${server.origin}/deep`, { extract });
    expect(outcome).toMatchObject({ ok: true, bytes: DEEP_PAGE.length, title: 'Deep', links: [`${server.origin}/top`, `${server.origin}/bottom`] });
  });
});

describe('awkward URLs', () => {
  it('an 8 KiB path is sent whole and answered', async () => {
    const path = `/echo/${'a'.repeat(8 * 1024)}`;
    const outcome = await scrape(`${server.origin}${path}`);
    expect(outcome).toMatchObject({ ok: true, title: path });
  });

  it('a 64 KiB path, past what the server accepts, is an http record (Node answers 431)', async () => {
    const outcome = await scrape(`${server.origin}/echo/${'a'.repeat(64 * 1024)}`);
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'http', status: 431 }, attempts: 1 });
  });

  it('a unicode path is percent-encoded on the wire and decodes back to the same text', async () => {
    const outcome = await scrape(`${server.origin}/echo/päth/日本 x`);
    expect(outcome).toMatchObject({ ok: true, title: '/echo/päth/日本 x' });
    expect(server.paths).toContain('/echo/p%C3%A4th/%E6%97%A5%E6%9C%AC%20x');
  });

  describe('a unicode (IDN) host', () => {
    // `*.localhost` reaches loopback only on some resolvers, and a test may not use real DNS, so
    // the worker's resolver seam answers for the reserved `.test` name. What this shows is what the
    // worker controls: the name is punycoded before lookup and in the Host header.
    const asked: string[] = [];
    const lookup: LookupFunction = (hostname, options, callback) => {
      asked.push(hostname);
      if (hostname !== 'xn--bcher-kva.test') return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: dns.NOTFOUND }), '');
      if (options.all) return callback(null, [{ address: '127.0.0.1', family: 4 }]);
      return callback(null, '127.0.0.1', 4);
    };
    beforeAll(() => setConnectSeamsForTests({ lookup }));
    afterAll(() => setConnectSeamsForTests({}));

    it('is looked up and sent as punycode', async () => {
      const url = `http://bücher.test:${server.port}/echo/idn`;
      const outcome = await scrape(url);
      expect(outcome).toMatchObject({ url, ok: true, title: '/echo/idn', finalUrl: `http://xn--bcher-kva.test:${server.port}/echo/idn` });
      expect(asked).toStrictEqual(['xn--bcher-kva.test']);
      expect(server.lastHost('/echo/idn')).toBe(`xn--bcher-kva.test:${server.port}`);
    });

    it('an IDN that does not resolve is a dns record', async () => {
      expect(await scrape(`http://straße.test:${server.port}/`)).toMatchObject({ ok: false, error: { kind: 'dns' }, attempts: 1 });
    });
  });
});

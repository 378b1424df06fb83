import http from 'node:http';
import { loadPages, startBenchSite, type BenchSite } from '../../bench/site';

function get(url: string): Promise<{ status: number; body: Buffer; ms: number; headers: http.IncomingHttpHeaders }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (b: Buffer) => parts.push(b));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts), ms: performance.now() - started, headers: res.headers }));
      })
      .on('error', reject);
  });
}

describe('bench site', () => {
  let site: BenchSite;
  const pages = loadPages();
  beforeAll(async () => {
    site = await startBenchSite({ latencyMs: 30, hosts: 3 });
  });
  afterAll(() => site.close());

  it('listens on loopback only, one origin per host', () => {
    expect(site.origins).toHaveLength(3);
    for (const origin of site.origins) expect(origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(new Set(site.origins).size).toBe(3);
  });

  it('spreads distinct URLs round-robin over the hosts', () => {
    const urls = site.urls(4);
    expect(urls).toStrictEqual([`${site.origins[0]}/p/0`, `${site.origins[1]}/p/1`, `${site.origins[2]}/p/2`, `${site.origins[0]}/p/3`]);
  });

  it('serves the real pages, cycling, after the latency, with keep-alive', async () => {
    expect(pages.length).toBeGreaterThan(200);
    const n = pages.length + 2;
    const res = await get(`${site.origins[0]}/p/${n}`);
    expect(res.status).toBe(200);
    expect(res.body.equals(pages[n % pages.length]!)).toBe(true);
    expect(res.headers['content-length']).toBe(String(pages[2]!.length));
    expect(res.headers.connection).toBe('keep-alive');
    expect(res.ms).toBeGreaterThanOrEqual(29);
  });

  it('answers 404 for anything else', async () => {
    expect((await get(`${site.origins[1]}/nope`)).status).toBe(404);
  });
});

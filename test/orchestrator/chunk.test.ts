import fc from 'fast-check';
import { chunkUrls, defaultChunkSize, MAX_CHUNK_SIZE, MIN_CHUNK_SIZE } from '../../orchestrator/chunk';
import { hostOf } from '../../core/normalise-url';

function urlsFor(hosts: Record<string, number>): string[] {
  return Object.entries(hosts).flatMap(([host, n]) => Array.from({ length: n }, (_, i) => `http://${host}/p/${i}`));
}

function hostCounts(chunk: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const url of chunk) counts.set(hostOf(url), (counts.get(hostOf(url)) ?? 0) + 1);
  return counts;
}

describe('chunkUrls', () => {
  it('spreads one big host over every chunk: none holds more than its fair share', () => {
    const hosts = { 'big.test': 900, 'a.test': 40, 'b.test': 35, 'c.test': 25 };
    const chunks = chunkUrls(urlsFor(hosts), 100);

    expect(chunks).toHaveLength(10);
    for (const chunk of chunks) {
      expect(chunk).toHaveLength(100);
      const counts = hostCounts(chunk);
      for (const [host, total] of Object.entries(hosts)) {
        expect(counts.get(host) ?? 0).toBeGreaterThanOrEqual(Math.floor(total / 10));
        expect(counts.get(host) ?? 0).toBeLessThanOrEqual(Math.ceil(total / 10));
      }
    }
  });

  it('interleaves hosts inside a chunk', () => {
    const chunks = chunkUrls(urlsFor({ 'a.test': 4, 'b.test': 4 }), 8);
    expect(chunks[0]!.map(hostOf)).toStrictEqual(['a.test', 'b.test', 'a.test', 'b.test', 'a.test', 'b.test', 'a.test', 'b.test']);
  });

  it('makes ceil(n/size) chunks whose sizes differ by at most one', () => {
    const chunks = chunkUrls(urlsFor({ 'a.test': 7, 'b.test': 3 }), 4);
    expect(chunks.map((c) => c.length)).toStrictEqual([4, 3, 3]);
  });

  it('puts every URL in exactly one chunk, with fair host shares (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 50 }), (sizes, chunkSize) => {
        const hosts = Object.fromEntries(sizes.map((n, i) => [`h${i}.test`, n]));
        const urls = urlsFor(hosts);
        const chunks = chunkUrls(urls, chunkSize);
        expect(chunks.flat().sort()).toStrictEqual([...urls].sort());
        expect(chunks).toHaveLength(Math.ceil(urls.length / chunkSize));
        for (const chunk of chunks) {
          expect(chunk.length).toBeLessThanOrEqual(chunkSize);
          for (const [host, n] of hostCounts(chunk)) expect(n).toBeLessThanOrEqual(Math.ceil(hosts[host]! / chunks.length));
        }
      }),
    );
  });

  it('returns no chunks for no URLs and rejects a bad size', () => {
    expect(chunkUrls([], 10)).toStrictEqual([]);
    expect(() => chunkUrls(['http://a.test/'], 0)).toThrow(RangeError);
    expect(() => chunkUrls(['http://a.test/'], 1.5)).toThrow(RangeError);
  });
});

describe('defaultChunkSize', () => {
  it.each([
    [2_000, 8, 63], // ceil(2000 / (8 * 4))
    [10_000, 8, MAX_CHUNK_SIZE],
    [1_000_000, 100, MAX_CHUNK_SIZE],
    [50, 8, MIN_CHUNK_SIZE],
    [0, 4, MIN_CHUNK_SIZE],
  ])('%i URLs, %i workers -> %i', (urls, concurrency, expected) => {
    expect(defaultChunkSize(urls, concurrency)).toBe(expected);
  });
});

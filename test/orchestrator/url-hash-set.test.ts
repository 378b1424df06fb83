import { hash64, UrlHashSet } from '../../orchestrator/url-hash-set';

const urls = (n: number, prefix = 'https://a.test/page/') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('UrlHashSet', () => {
  it('adds each URL once and knows what it has, across growth', () => {
    const set = new UrlHashSet();
    const all = urls(20_000);
    expect(all.map((u) => set.add(u)).every(Boolean)).toBe(true);
    expect(all.map((u) => set.add(u)).some(Boolean)).toBe(false);
    expect(set.size).toBe(20_000);
    expect(all.every((u) => set.has(u))).toBe(true);
    expect(urls(1000, 'https://b.test/page/').some((u) => set.has(u))).toBe(false);
  });

  it('is sized for what it is told to expect, 8 bytes a slot, at most 3/4 full', () => {
    expect(new UrlHashSet().bytes).toBe(1024 * 8);
    expect(new UrlHashSet(1_000_000).bytes).toBe(2 ** 21 * 8);
    const set = new UrlHashSet();
    for (const u of urls(769)) set.add(u);
    expect(set.bytes).toBe(2048 * 8); // 769 > 1024 * 3/4: doubled
  });

  it('round-trips through a buffer (a checkpoint)', () => {
    const set = new UrlHashSet();
    for (const u of urls(5000)) set.add(u);
    const copy = UrlHashSet.fromBuffer(set.toBuffer());
    expect(copy.size).toBe(5000);
    expect(urls(5000).every((u) => copy.has(u))).toBe(true);
    expect(copy.add('https://a.test/page/1')).toBe(false);
    expect(copy.add('https://a.test/new')).toBe(true);
  });

  it.each([
    ['too short', Buffer.alloc(4)],
    ['a length that disagrees with the header', Buffer.concat([new UrlHashSet().toBuffer(), Buffer.alloc(8)])],
  ])('refuses bytes that are not a set: %s', (_name, bytes) => {
    expect(() => UrlHashSet.fromBuffer(bytes)).toThrow(RangeError);
  });

  it('hashes near-identical URLs far apart in both halves', () => {
    const [a1, a2] = hash64('https://a.test/page/1');
    const [b1, b2] = hash64('https://a.test/page/2');
    const bitsDiffering = (x: number, y: number) => (x ^ y).toString(2).replace(/0/g, '').length;
    expect(bitsDiffering(a1, b1)).toBeGreaterThan(8);
    expect(bitsDiffering(a2, b2)).toBeGreaterThan(8);
  });
});

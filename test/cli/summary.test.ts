import type { Outcome } from '../../core/contract';
import { formatSummary } from '../../cli/summary';
import { SummaryBuilder } from '../../report/summary-builder';

const ok = (ms: number, bytes = 100): Outcome => ({
  url: `http://h/${ms}`,
  ok: true,
  finalUrl: 'http://h/',
  status: 200,
  contentType: 'text/html',
  bytes,
  ms,
  title: null,
  description: null,
  links: [],
  attempts: 1,
});
const fail = (kind: 'http' | 'worker-failed' | 'invalid-url', status?: number): Outcome => ({
  url: 'http://h/x',
  ok: false,
  error: { kind, message: kind, ...(status ? { status } : {}) },
  attempts: kind === 'invalid-url' ? 0 : 1,
  ms: 7,
});

describe('SummaryBuilder', () => {
  test('counts, kinds, statuses, percentiles and lost URLs', () => {
    const b = new SummaryBuilder(0);
    for (let ms = 1; ms <= 100; ms++) b.add(ok(ms), 500);
    b.add(fail('http', 404), 1500);
    b.add(fail('worker-failed'), 1600);
    b.add(fail('invalid-url'), 1700);
    const s = b.finish({ runId: 'r', mode: 'local', input: { read: 103, valid: 102, duplicate: 0, invalid: 1 }, options: {}, now: 2000 });
    expect(s).toMatchObject({
      records: 103,
      ok: 100,
      failed: 3,
      lost: 1,
      bytes: 10_000,
      wallMs: 2000,
      failedByKind: { http: 1, 'worker-failed': 1, 'invalid-url': 1 },
      byStatus: { '200': 100, '404': 1 },
      // 102 pages attempted in 2 s (the invalid line is not a page)
      pagesPerSec: 51,
    });
    expect(s.fetchMs?.p50).toBe(50);
    expect(s.fetchMs?.p95).toBe(95);
    expect(s.fetchMs?.max).toBe(100);
    expect(s.timeline).toStrictEqual([
      [0, 100],
      [1, 103],
    ]);
    expect(formatSummary(s)).toMatch(/LOST\s+1 URLs/);
  });

  test('grows past its initial buffer', () => {
    const b = new SummaryBuilder(0);
    for (let i = 0; i < 5000; i++) b.add(ok(i % 10), 10);
    expect(b.finish({ runId: 'r', mode: 'local', input: { read: 0, valid: 0, duplicate: 0, invalid: 0 }, options: {}, now: 1000 }).fetchMs?.max).toBe(9);
  });
});

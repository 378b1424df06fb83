import { ReportAggregator } from '../../report/report-aggregator';
import { toReportSummary } from '../../report/read-summary';
import { sampleRecords } from '../../scripts/sample-results';
import { failOutcome, okOutcome } from './factories';

describe('ReportAggregator', () => {
  it('counts outcomes by result, error kind and HTTP status', () => {
    const agg = new ReportAggregator();
    agg.add(okOutcome({ bytes: 100, status: 200 }));
    agg.add(okOutcome({ bytes: 50, status: 203, attempts: 2 }));
    agg.add(failOutcome('http', { status: 404 }));
    agg.add(failOutcome('http', { status: 503, attempts: 3 }));
    agg.add(failOutcome('timeout', { ms: 30_000 }));
    agg.add(failOutcome('invalid-url', { url: 'nope', attempts: 0 }));

    const data = agg.finish();

    expect(data.totals).toStrictEqual({
      records: 6,
      urls: 6,
      ok: 2,
      failed: 4,
      invalid: 1,
      duplicates: null,
      bytes: 150,
      retried: 2,
    });
    expect(data.byKind.map((k) => [k.kind, k.count])).toStrictEqual([
      ['http', 2],
      ['invalid-url', 1],
      ['timeout', 1],
    ]);
    expect(data.byStatus).toStrictEqual([
      { status: 200, count: 1 },
      { status: 203, count: 1 },
      { status: 404, count: 1 },
      { status: 503, count: 1 },
    ]);
  });

  it('keeps the first `top` failures of each kind as examples, with their messages', () => {
    const agg = new ReportAggregator({ top: 2 });
    for (let i = 0; i < 5; i++) agg.add(failOutcome('dns', { url: `https://h${i}.example/`, message: `ENOTFOUND h${i}` }));
    const [dns] = agg.finish().byKind;
    expect(dns!.count).toBe(5);
    expect(dns!.examples.map((e) => [e.url, e.message])).toStrictEqual([
      ['https://h0.example/', 'ENOTFOUND h0'],
      ['https://h1.example/', 'ENOTFOUND h1'],
    ]);
  });

  it('lists the slowest URLs, ok or not, slowest first, cut to `top`', () => {
    const agg = new ReportAggregator({ top: 3 });
    [120, 5, 900, 40, 3000].forEach((ms, i) => {
      agg.add(okOutcome({ url: `https://x.example/${i}`, ms }));
    });
    agg.add(failOutcome('timeout', { url: 'https://slow.example/', ms: 30_000 }));
    agg.add(failOutcome('dns')); // no time: not a candidate
    expect(agg.finish().slowest.map((s) => [s.url, s.ms, s.kind])).toStrictEqual([
      ['https://slow.example/', 30_000, 'timeout'],
      ['https://x.example/4', 3000, null],
      ['https://x.example/2', 900, null],
    ]);
  });

  it('sorts hosts worst first and folds the rest into an "other" row that keeps the totals', () => {
    const agg = new ReportAggregator({ hostRows: 2 });
    agg.add(okOutcome({ url: 'https://fast.example/a', ms: 10, bytes: 5 }));
    agg.add(okOutcome({ url: 'https://fast.example/b', ms: 10, bytes: 5 }));
    agg.add(okOutcome({ url: 'https://SLOW.example:8443/a', ms: 5000, bytes: 7 }));
    agg.add(failOutcome('connect', { url: 'https://down.example/a' }));
    const { rows, other, distinct, folded } = agg.finish().hosts;
    expect(rows.map((r) => [r.host, r.requests, r.errors, r.bytes])).toStrictEqual([
      ['down.example', 1, 1, 0],
      ['slow.example:8443', 1, 0, 7],
    ]);
    expect(other).toMatchObject({ host: '(other hosts)', requests: 2, errors: 0, bytes: 10 });
    expect([distinct, folded]).toStrictEqual([3, false]);
  });

  it('stays within its host cap on a run with many hosts, and still accounts for every request', () => {
    const agg = new ReportAggregator({ maxHosts: 10, hostRows: 5 });
    for (let i = 0; i < 500; i++) agg.add(okOutcome({ url: `https://h${i}.example/` }));
    for (let i = 0; i < 50; i++) agg.add(okOutcome({ url: 'https://big.example/' }));
    const { rows, other, folded } = agg.finish().hosts;
    expect(folded).toBe(true);
    expect(rows).toHaveLength(5);
    expect(rows.some((r) => r.host === 'big.example' && r.requests === 50)).toBe(true);
    expect(rows.reduce((sum, r) => sum + r.requests, 0) + other!.requests).toBe(550);
  });

  describe('throughput', () => {
    it('uses live arrival times when given', () => {
      const agg = new ReportAggregator();
      agg.add(okOutcome(), 50);
      agg.add(okOutcome(), 60);
      agg.add(okOutcome(), 250);
      const data = agg.finish();
      expect(data.throughput).toStrictEqual({ source: 'arrival', binMs: 100, counts: [2, 0, 1], peakPerSec: 20 });
      expect(data.wallMs).toBe(250); // no summary: the last arrival
    });

    it("falls back to the records' `at` times, counted from the first one", () => {
      const agg = new ReportAggregator();
      agg.add(okOutcome({ at: '2025-01-01T00:00:00.020Z' }));
      agg.add(failOutcome('dns', { at: '2025-01-01T00:00:00.140Z' }));
      agg.add(okOutcome({ at: '2025-01-01T00:00:00.230Z' }));
      const data = agg.finish();
      expect(data.throughput).toStrictEqual({ source: 'record-at', binMs: 100, counts: [1, 1, 1], peakPerSec: 10 });
      expect(data.wallMs).toBe(210); // no summary: first to last record
    });

    it("counts `at` times from the run's start when given, leaving off records of an earlier run", () => {
      const agg = new ReportAggregator({ startedAtMs: Date.parse('2025-01-01T00:00:01.000Z') });
      agg.add(okOutcome({ at: '2025-01-01T00:00:00.500Z' })); // before this run: kept from an earlier one
      agg.add(okOutcome({ at: '2025-01-01T00:00:01.150Z' }));
      const data = agg.finish();
      expect(data.throughput).toStrictEqual({ source: 'record-at', binMs: 100, counts: [0, 1], peakPerSec: 10 });
      expect(data.totals.records).toBe(2);
    });

    it("falls back to summary.json's cumulative timeline", () => {
      const agg = new ReportAggregator();
      agg.add(okOutcome());
      const summary = toReportSummary({
        wallMs: 3000,
        timeline: [
          [0, 0],
          [1, 10],
          [2.5, 12],
        ],
      });
      const data = agg.finish(summary);
      expect(data.throughput?.source).toBe('summary-timeline');
      expect(data.throughput?.counts.reduce((a, b) => a + b, 0)).toBe(12);
      expect(data.wallMs).toBe(3000);
    });

    it('omits the chart, with a note saying why, when nothing carries a time', () => {
      const agg = new ReportAggregator();
      agg.add(okOutcome());
      const data = agg.finish();
      expect(data.throughput).toBeNull();
      expect(data.throughputNote).toMatch(/"at" field/);
      expect([data.wallMs, data.pagesPerSec]).toStrictEqual([null, null]);
    });
  });

  it('takes duplicates, URL count, wall time, options and cost from the summary', () => {
    const agg = new ReportAggregator();
    agg.add(okOutcome());
    agg.add(okOutcome());
    const summary = toReportSummary({
      runId: 'r1',
      mode: 'lambda',
      wallMs: 4000,
      input: { read: 4, valid: 3, duplicate: 1, invalid: 0 },
      options: { concurrency: 8 },
      lambda: { functionName: 'w', memoryMb: 2048, billedMs: 10_000, invocations: 4, architecture: 'arm64' },
    });
    const data = agg.finish(summary, { resultsPath: 'out.jsonl' });
    expect(data.totals).toMatchObject({ urls: 2, duplicates: 1 }); // 3 valid lines, 1 a duplicate: 2 URLs
    expect(data.pagesPerSec).toBe(0.5);
    expect(data.run).toMatchObject({ runId: 'r1', mode: 'lambda', options: { concurrency: 8 } });
    expect(data.cost?.gbSeconds).toBe(20);
    expect(data.source.resultsPath).toBe('out.jsonl');
  });

  it('counts bad lines exactly but keeps only a few examples', () => {
    const agg = new ReportAggregator();
    for (let i = 1; i <= 25; i++) agg.addBadLine(i, 'not JSON', `{${i}`);
    const { badLines } = agg.finish();
    expect(badLines.count).toBe(25);
    expect(badLines.examples).toHaveLength(10);
    expect(badLines.examples[0]).toStrictEqual({ line: 1, reason: 'not JSON', text: '{1' });
  });

  it('reconciles on a 1,000-record run with failures: every record lands in exactly one bucket', () => {
    const records = [...sampleRecords({ count: 1000, seed: 7 })];
    const agg = new ReportAggregator({ hostRows: 10 });
    for (const r of records) agg.add(r);
    const data = agg.finish();

    const failed = records.filter((r) => !r.ok).length;
    expect(failed).toBeGreaterThan(20); // the fixture must exercise the failure paths
    expect(data.totals.failed).toBe(failed);
    expect(data.byKind.reduce((s, k) => s + k.count, 0)).toBe(failed);
    expect(data.hosts.rows.reduce((s, h) => s + h.requests, 0) + (data.hosts.other?.requests ?? 0)).toBe(1000);
    const sorted = records.flatMap((r) => (r.ms === undefined ? [] : [r.ms])).sort((a, b) => a - b);
    const exactP95 = sorted[Math.ceil(0.95 * sorted.length) - 1]!;
    expect(Math.abs(data.fetchTimes!.p95Ms - exactP95) / exactP95).toBeLessThan(0.1);
    expect(data.throughput?.counts.reduce((a, b) => a + b, 0)).toBe(1000);
  });
});

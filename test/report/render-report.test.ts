import { ReportAggregator } from '../../report/report-aggregator';
import { renderReport } from '../../report/render/render-report';
import { toReportSummary } from '../../report/read-summary';
import { sampleRecords } from '../../scripts/sample-results';
import { failOutcome, okOutcome } from './factories';

function reportOf(count: number): string {
  const agg = new ReportAggregator();
  for (const r of sampleRecords({ count, seed: 3 })) agg.add(r);
  return renderReport(agg.finish(toReportSummary({ runId: 'run-1', mode: 'local', wallMs: 4000, options: { concurrency: 64 } })));
}

describe('renderReport', () => {
  it('escapes every piece of record and summary text', () => {
    const evil = '<script>alert(1)</script>';
    const agg = new ReportAggregator();
    agg.add(okOutcome({ url: `https://x.example/${evil}` }));
    agg.add(failOutcome('http', { url: 'javascript:alert(1)', message: `"><img src=x onerror=alert(1)>`, status: 500 }));
    agg.addBadLine(1, 'not JSON', evil);
    const summary = toReportSummary({ runId: evil, mode: evil, options: { [evil]: evil } });

    const page = renderReport(agg.finish(summary, { resultsPath: evil }));

    expect(page).not.toMatch(/<script|<img/i);
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(page).not.toMatch(/href=/); // URLs are text, never links, so javascript: cannot run
  });

  it('is self-contained: no script, no external resource, and a CSP that forbids fetching any', () => {
    const page = reportOf(1000);
    expect(page).not.toMatch(/<script|<link|<img|src=|href=|@import|url\(/i);
    expect(page).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
  });

  it('has every section the issue asks for', () => {
    const page = reportOf(1000);
    for (const id of ['headline', 'outcomes', 'fetch-time', 'throughput', 'hosts', 'slowest', 'failed', 'options']) {
      expect(page).toContain(`<section id="${id}">`);
    }
    expect(page).toMatch(/p50 .*p95 .*p99/);
  });

  it('stops growing once its top-N lists are full, whatever the number of records', () => {
    const full = reportOf(10_000).length; // every list already at its cap
    const fourTimes = reportOf(40_000).length;
    expect(Math.abs(fourTimes - full) / full).toBeLessThan(0.05);
    expect(fourTimes).toBeLessThan(200_000);
  });

  it('says so, rather than failing, for an empty results file', () => {
    const page = renderReport(new ReportAggregator().finish());
    expect(page).toContain('No records in the results file.');
    expect(page).toContain('No record has a fetch time.');
  });
});

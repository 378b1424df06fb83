/**
 * The Lambda usage a CLI run records for its cost estimate, and the summary's cost line. Pure.
 */
import type { WorkerResult } from '../../core/contract';
import { LambdaUsageMeter } from '../../orchestrator/lambda-usage';
import { LAMBDA_PRICING } from '../../report/constants';
import { formatSummary } from '../../cli/summary';
import { SummaryBuilder } from '../../report/summary-builder';

const result = (ms: number, memoryMb?: number): WorkerResult => ({
  runId: 'r',
  chunkId: 'c',
  outcomes: [],
  unstarted: [],
  stats: { ok: 0, failed: 0, bytes: 0, ms, ...(memoryMb === undefined ? {} : { memoryMb }) },
});

const summaryOf = (mode: 'local' | 'lambda', lambda?: ReturnType<LambdaUsageMeter['finish']>) =>
  new SummaryBuilder(0).finish({ runId: 'r', mode, input: { read: 0, valid: 0, duplicate: 0, invalid: 0 }, options: {}, now: 1000, lambda });

describe('LambdaUsageMeter', () => {
  test('rounds each result up to the ms, as Lambda bills, and takes the memory size the workers report', () => {
    const meter = new LambdaUsageMeter();
    for (const r of [result(10.2), result(0.1, 1769), result(5, 1769)]) meter.add(r);
    expect(meter.finish('fanout-worker', 4)).toStrictEqual({ functionName: 'fanout-worker', memoryMb: 1769, billedMs: 11 + 1 + 5, invocations: 4, architecture: 'arm64' });
  });

  test('no memory size when no worker reported one (a worker older than the field)', () => {
    const meter = new LambdaUsageMeter();
    meter.add(result(3));
    expect(meter.finish('w', 1)).not.toHaveProperty('memoryMb');
  });
});

describe('formatSummary cost line', () => {
  test('Lambda mode: price of the GB-seconds and requests at the report pricing', () => {
    // 2048 MB for 500 s = 1000 GB-s; plus 1,000,000 requests.
    const text = formatSummary(summaryOf('lambda', { functionName: 'w', memoryMb: 2048, billedMs: 500_000, invocations: 1_000_000, architecture: 'arm64' }));
    const usd = 1000 * LAMBDA_PRICING.usdPerGbSecond.arm64 + 1_000_000 * LAMBDA_PRICING.usdPerRequest;
    expect(text).toContain(`  cost      ~$${usd.toFixed(2)} (1000000 invocations, 1000 GB-s at 2048 MB arm64)`);
  });

  test.each([
    ['local mode', summaryOf('local')],
    ['Lambda mode without a memory size', summaryOf('lambda', { functionName: 'w', billedMs: 10, invocations: 1, architecture: 'arm64' })],
  ])('no cost line in %s', (_, summary) => {
    expect(formatSummary(summary)).not.toMatch(/cost/);
  });
});

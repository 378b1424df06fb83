import { LAMBDA_PRICING } from '../../report/constants';
import { estimateLambdaCost } from '../../report/lambda-cost';
import { parseRunSummary, RunSummarySchema } from '../../report/run-summary';

describe('parseRunSummary', () => {
  it('keeps the fields it knows and passes unknown ones through', () => {
    const result = parseRunSummary(JSON.stringify({ runId: 'r', wallMs: 12, counts: { duplicates: 3 }, future: 1 }));
    expect(result).toStrictEqual({ summary: { runId: 'r', wallMs: 12, counts: { duplicates: 3 }, future: 1 } });
  });

  it('drops a malformed field instead of rejecting the whole summary', () => {
    const result = parseRunSummary(JSON.stringify({ runId: 'r', wallMs: 'soon', timeline: 'n/a' }));
    // toEqual: a caught field is present as `undefined`, which is what "dropped" means to a reader.
    expect(result).toEqual({ summary: { runId: 'r' } });
    expect('summary' in result && result.summary.wallMs).toBeUndefined();
  });

  it.each([
    ['not JSON', '{', /not JSON/],
    ['an array', '[1]', /not a JSON object/],
    ['null', 'null', /not a JSON object/],
  ])('returns an error value for %s', (_label, text, message) => {
    const result = parseRunSummary(text);
    expect('error' in result && result.error).toMatch(message);
  });
});

describe('estimateLambdaCost', () => {
  it('prices GB-seconds by architecture plus requests', () => {
    const cost = estimateLambdaCost(
      RunSummarySchema.parse({ mode: 'lambda', lambda: { memoryMb: 512, billedMs: 3_600_000, invocations: 1_000_000 } }),
    );
    expect(cost).toStrictEqual({
      architecture: 'arm64',
      memoryMb: 512,
      billedMs: 3_600_000,
      gbSeconds: 1800,
      computeUsd: 1800 * LAMBDA_PRICING.usdPerGbSecond.arm64,
      invocations: 1_000_000,
      requestUsd: 0.2,
      totalUsd: 1800 * LAMBDA_PRICING.usdPerGbSecond.arm64 + 0.2,
    });
  });

  it('uses the x86 price when the summary says so', () => {
    const cost = estimateLambdaCost(
      RunSummarySchema.parse({ mode: 'lambda', lambda: { memoryMb: 1024, billedMs: 1000, architecture: 'x86_64' } }),
    );
    expect(cost?.computeUsd).toBe(LAMBDA_PRICING.usdPerGbSecond.x86_64);
    expect(cost?.invocations).toBeNull();
  });

  it.each([
    ['no summary', undefined],
    ['a local run', RunSummarySchema.parse({ mode: 'local', lambda: { memoryMb: 1024, billedMs: 1000 } })],
    ['no billed duration', RunSummarySchema.parse({ mode: 'lambda', lambda: { memoryMb: 1024 } })],
  ])('is null for %s', (_label, summary) => {
    expect(estimateLambdaCost(summary)).toBeNull();
  });
});

/** Estimates what a run cost on AWS Lambda from the billed duration and invocations in its summary. */
import { LAMBDA_PRICING } from './constants';
import type { ReportSummary } from './read-summary';

export interface LambdaCost {
  architecture: 'arm64' | 'x86_64';
  memoryMb: number;
  billedMs: number;
  gbSeconds: number;
  computeUsd: number;
  invocations: number;
  requestUsd: number;
  totalUsd: number;
}

/**
 * `GB-s × price(architecture) + invocations × price per request`, or null when the run was not on
 * Lambda or the summary lacks the workers' memory size. Excludes the free tier, S3 and transfer.
 */
export function estimateLambdaCost(summary: ReportSummary | undefined): LambdaCost | null {
  const lambda = summary?.lambda;
  if (summary?.mode !== 'lambda' || lambda?.memoryMb === undefined) return null;
  const architecture = lambda.architecture;
  const gbSeconds = (lambda.memoryMb / 1024) * (lambda.billedMs / 1000);
  const computeUsd = gbSeconds * LAMBDA_PRICING.usdPerGbSecond[architecture];
  const invocations = lambda.invocations;
  const requestUsd = invocations * LAMBDA_PRICING.usdPerRequest;
  return {
    architecture,
    memoryMb: lambda.memoryMb,
    billedMs: lambda.billedMs,
    gbSeconds,
    computeUsd,
    invocations,
    requestUsd,
    totalUsd: computeUsd + requestUsd,
  };
}

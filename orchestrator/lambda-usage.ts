/**
 * What a Lambda-mode run used, for the summary's cost estimate (report/lambda-cost.ts
 * prices it): fed each worker result through runChunks' `onResult`.
 */
import type { WorkerResult } from '../core/contract';
import type { LambdaUsage } from '../core/summary';

export type { LambdaUsage } from '../core/summary';

/** The stack deploys the worker on arm64 (infra/lib/fanout-function.ts). */
export const WORKER_ARCHITECTURE = 'arm64' as const;

/**
 * @example
 * const usage = new LambdaUsageMeter();
 * const run = runChunks(chunks, invoker, { onResult: (r) => usage.add(r) });
 * // ... iterate ...
 * summary.lambda = usage.finish(invoker.functionName, run.progress.invocations - run.progress.throttles);
 */
export class LambdaUsageMeter {
  private billedMs = 0;
  private memoryMb: number | undefined;

  add(result: WorkerResult): void {
    this.billedMs += Math.ceil(Math.max(0, result.stats.ms));
    this.memoryMb ??= result.stats.memoryMb;
  }

  finish(functionName: string, invocations: number): LambdaUsage {
    return {
      functionName,
      ...(this.memoryMb === undefined ? {} : { memoryMb: this.memoryMb }),
      billedMs: this.billedMs,
      invocations,
      architecture: WORKER_ARCHITECTURE,
    };
  }
}

/**
 * What a Lambda-mode run used, for the summary's cost estimate (report/lambda-cost.ts
 * prices it): fed each worker result through runChunks' `onResult`.
 */
import type { WorkerResult } from '../core/contract';

/** The stack deploys the worker on arm64 (infra/lib/fanout-function.ts). */
export const WORKER_ARCHITECTURE = 'arm64';

/** `summary.json`'s `lambda` field (a type, not an interface, so it fits the report's loose schema type). */
export type LambdaUsage = {
  functionName: string;
  /** The worker's memory size, as its results report it; absent if none did (a worker older than the field). */
  memoryMb?: number;
  /**
   * Approximate billed duration: each result's chunk time rounded up to the ms, as Lambda rounds
   * each invocation. Leaves out the handler's own overhead and invocations that returned no result.
   */
  billedMs: number;
  /** Invocations Lambda ran (throttled invokes are not run, so not billed). */
  invocations: number;
  architecture: typeof WORKER_ARCHITECTURE;
};

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

/**
 * What the stack sets and the functions read: default sizes and the names of the environment
 * variables between them. Defined once, so infra/ and functions/ cannot drift apart.
 */

/** Worker Lambda timeout. @default 300 (5 min) */
export const DEFAULT_WORKER_TIMEOUT_SECS = 300;
/** Worker Lambda memory: one full vCPU. @default 1769 */
export const DEFAULT_WORKER_MEMORY_MB = 1769;

/** Environment variables the stack gives the scheduled-run function (and the CLI reads for the worker's name). */
export const ENV = {
  /** The worker function's name or ARN. */
  workerFunction: 'FANOUT_FUNCTION',
  /** The results bucket. */
  resultsBucket: 'RESULTS_BUCKET',
  /** The worker's timeout in seconds, so the scheduled run knows how long an invocation may take. */
  workerTimeoutSecs: 'WORKER_TIMEOUT_SECS',
} as const;

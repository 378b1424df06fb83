/**
 * What the stack sets and the functions read: default sizes and the names of the environment
 * variables between them. Defined once, so infra/ and functions/ cannot drift apart.
 */
import { boolFromEnv } from './env';
import { FanoutError } from './errors';

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
  /** `true` when the stack lets events turn `allowPrivate` on; `false` (or unset) refuses them. */
  allowPrivate: 'FANOUT_ALLOW_PRIVATE',
} as const;

/** The CDK context key that sets the stack's allowPrivate switch (`npx cdk deploy -c allowPrivate=true`). */
export const ALLOW_PRIVATE_CONTEXT = 'allowPrivate';

/**
 * Whether this deployment lets an event reach loopback and private networks (`allowPrivate`): only
 * if the stack was deployed with `-c allowPrivate=true`. A function without the variable refuses,
 * so a deployed function is never more open than its stack says.
 * @throws ConfigError when the variable is neither `true` nor `false`
 */
export function privateNetworksAllowed(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  return boolFromEnv(ENV.allowPrivate, { fallback: false }, env);
}

/**
 * A deployed function refused an event that asks for `allowPrivate`, because the stack forbids it.
 * Not retried: every chunk of the run would be refused the same way.
 */
export class PrivateNetworkForbiddenError extends FanoutError {
  override readonly name = 'PrivateNetworkForbiddenError';
  readonly code = 'FANOUT_PRIVATE_FORBIDDEN';
  override readonly userFacing = true;
  constructor(
    /** The function that refused. */
    readonly refusedBy: 'worker' | 'orchestrator',
  ) {
    super(
      `the deployed ${refusedBy} refuses allowPrivate: this stack forbids requests to loopback and private networks ` +
        `(${ENV.allowPrivate} is not true). To allow them, deploy with \`npx cdk deploy -c ${ALLOW_PRIVATE_CONTEXT}=true\`; otherwise run without --allow-private / "allowPrivate": true`,
    );
  }
}

/** Throws {@link PrivateNetworkForbiddenError} when an event asks for `allowPrivate` and the deployment forbids it. */
export function assertPrivateAllowed(requested: boolean, allowed: boolean, refusedBy: PrivateNetworkForbiddenError['refusedBy']): void {
  if (requested && !allowed) throw new PrivateNetworkForbiddenError(refusedBy);
}

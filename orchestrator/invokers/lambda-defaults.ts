/**
 * Lambda-mode defaults that code outside the invoker needs (chunk sizing, --dry-run) without
 * loading the AWS SDK.
 */

/** Invokes in flight by default: well under the default account limit of 1,000 concurrent executions. */
export const DEFAULT_LAMBDA_CONCURRENCY = 100;

/**
 * The error a run's iteration throws when an invoke failed in a way no retry can fix.
 */
import { FanoutError } from '../core/errors';

/**
 * Thrown by a run's iteration after it has stopped dispatching and every invocation in flight has
 * settled (their outcomes were yielded first): an invoke rejected with something that is not an
 * `InvokeError`, such as a `LambdaSetupError` (no such function, access denied, no credentials)
 * or a closed invoker. Retrying every chunk would only repeat it, so the run stops at once.
 * URLs without an outcome count in `abandonedUrls`; `fanout run --resume` can do them later.
 */
export class RunAbortedError extends FanoutError {
  override readonly name = 'RunAbortedError';
  readonly code = 'FANOUT_RUN_ABORTED';
  /** Its message says what stopped the run, for the user. */
  override readonly userFacing = true;
  constructor(
    /** The chunk whose invocation failed first. */
    readonly chunkId: string,
    /** URLs left without an outcome. */
    readonly abandonedUrls: number,
    options: { cause: unknown },
  ) {
    const why = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super(`run stopped: ${why} (no retry can fix this; ${abandonedUrls} URLs were not run)`, options);
  }
}

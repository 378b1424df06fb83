/**
 * Why a continuation refused the checkpoint it read. Anyone who may write `runs/*` in the results
 * bucket can change a checkpoint, so a continuation trusts one only if it parses with the schema it
 * was written with and matches what the continuation event (sent by this function) pins. Neither
 * error is worth retrying: the same object fails the same way, and the run stops there.
 */
import { FanoutError } from '../../core/errors';

/** The checkpoint object is not JSON, or not a checkpoint this version of fanout writes. */
export class InvalidCheckpointError extends FanoutError {
  override readonly name = 'InvalidCheckpointError';
  readonly code = 'FANOUT_INVALID_CHECKPOINT';
  constructor(
    /** What is wrong with it: zod's issues, by path. */
    readonly problem: string,
    /** The object's key. */
    readonly key: string,
    options?: { cause?: unknown },
  ) {
    super(`checkpoint ${key} is not valid: ${problem}; the run stops here (start it again)`, options);
  }
}

/** What a continuation pins of its checkpoint: which run, which list, and its exact content. */
export type CheckpointPinField = 'runPrefix' | 'runId' | 'listKey' | 'sha256';

/** The checkpoint is valid but not the one the continuation expected: another run's, or changed since it was written. */
export class CheckpointMismatchError extends FanoutError {
  override readonly name = 'CheckpointMismatchError';
  readonly code = 'FANOUT_CHECKPOINT_MISMATCH';
  constructor(
    readonly field: CheckpointPinField,
    /** The value the continuation event pins. */
    readonly expected: string | null,
    /** The value the checkpoint has. */
    readonly actual: string | null,
    readonly key: string,
  ) {
    const what =
      field === 'sha256'
        ? 'its content changed after this function wrote it (SHA-256 differs)'
        : `its ${field} is ${JSON.stringify(actual)}, but this run's is ${JSON.stringify(expected)}`;
    super(`checkpoint ${key} does not belong to this continuation: ${what}; refusing it, the run stops here`);
  }
}

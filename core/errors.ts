/**
 * fanout's error base class. Every error fanout throws extends {@link FanoutError}: it has a stable
 * `code` (for programs: match on it, not on the message or the class name) and says whether its
 * message is meant for the user as it is.
 *
 * User-facing errors (bad flags, list, spec, config; a missing AWS setup) carry a message that names
 * the problem and the fix: the CLI prints it alone and exits 1. Any other error reaching the CLI is
 * a bug, and is shown as one.
 */

export interface FanoutErrorOptions {
  cause?: unknown;
}

export abstract class FanoutError extends Error {
  /** Stable and unique per class, e.g. `FANOUT_USAGE`. */
  abstract readonly code: string;
  /** Show the message to the user as it is, without a stack. @default false */
  readonly userFacing: boolean = false;
}

/** What the user gave us (a list, a flag, a spec, a config) cannot be used. */
export class UsageError extends FanoutError {
  override readonly name = 'UsageError';
  readonly code = 'FANOUT_USAGE';
  override readonly userFacing = true;
}

/** The output (a file, stdout) cannot be written: a full disk, a lost mount, a closed pipe. */
export class OutputError extends FanoutError {
  override readonly name = 'OutputError';
  readonly code = 'FANOUT_OUTPUT';
  override readonly userFacing = true;
}

/** The deployment's configuration (an environment variable the stack sets) is missing or wrong. */
export class ConfigError extends FanoutError {
  override readonly name = 'ConfigError';
  readonly code = 'FANOUT_CONFIG';
  override readonly userFacing = true;
  constructor(
    message: string,
    /** The environment variable or setting at fault. */
    readonly setting: string,
    options?: FanoutErrorOptions,
  ) {
    super(message, options);
  }
}

/** A Lambda event (worker chunk, scheduled run) does not match its schema. Never retried: the same event fails the same way. */
export class InvalidEventError extends FanoutError {
  override readonly name = 'InvalidEventError';
  readonly code = 'FANOUT_INVALID_EVENT';
}

/** Whether `err` is a fanout error whose message is for the user as it is. */
export function isUserFacing(err: unknown): err is FanoutError {
  return err instanceof FanoutError && err.userFacing;
}

/**
 * Errors that stop a run because of what the user gave us (a list, a flag, a spec, a config).
 * The CLI prints their message alone, without a stack, and exits 1; the message names the
 * problem and the fix.
 */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

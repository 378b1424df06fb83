import { FanoutError } from '../core/errors';

/** Raised only when no report can be made at all: the results file cannot be read. */
export class ReportInputError extends FanoutError {
  override readonly name = 'ReportInputError';
  readonly code = 'FANOUT_REPORT_INPUT';
  override readonly userFacing = true;
  constructor(
    message: string,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

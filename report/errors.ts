/** Raised only when no report can be made at all: the results file cannot be read. */
export class ReportInputError extends Error {
  override readonly name = 'ReportInputError';
  readonly code = 'FANOUT_REPORT_INPUT';
  constructor(
    message: string,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

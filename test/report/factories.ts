/** Test-data factories for report tests: contract outcomes with only the fields a test cares about set. */
import type { ErrorKind, FailureOutcome, SuccessOutcome } from '../../core/contract';

export function okOutcome(overrides: Partial<SuccessOutcome> = {}): SuccessOutcome {
  const url = overrides.url ?? 'https://a.example/';
  return {
    url,
    ok: true,
    finalUrl: url,
    status: 200,
    contentType: 'text/html',
    bytes: 1000,
    ms: 100,
    title: 't',
    description: null,
    links: [],
    attempts: 1,
    ...overrides,
  };
}

export function failOutcome(kind: ErrorKind, overrides: Partial<Omit<FailureOutcome, 'error'>> & { status?: number; message?: string } = {}): FailureOutcome {
  const { status, message, ...rest } = overrides;
  return {
    url: 'https://a.example/',
    ok: false,
    error: { kind, message: message ?? `${kind} failed`, ...(status === undefined ? {} : { status }) },
    attempts: 1,
    ...rest,
  };
}

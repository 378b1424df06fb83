/**
 * The worker's error types, and the one place that maps undici/Node error codes onto the closed
 * `ErrorKind`s of the contract. Page problems never escape as exceptions: they become
 * `FetchError`s inside an attempt and then failure outcomes (values) in the chunk result.
 */
import ipaddr from 'ipaddr.js';
import type { ErrorKind, PageError } from '../core/contract';
import { findBlockedAddressError, type BlockedAddressError } from './ssrf-guard';
import { MAX_HEADER_BYTES } from './agent';
import { FanoutError } from '../core/errors';
import { ProxyPoolExhaustedError, findProxyError } from './proxy-errors';

/** One attempt at one page failed; `kind` is what the record will say, `code` the low-level code. */
export class FetchError extends FanoutError {
  override readonly name = 'FetchError';
  readonly code = 'FANOUT_FETCH';
  constructor(
    message: string,
    readonly kind: ErrorKind,
    readonly details: {
      /** HTTP status, for `http` errors. */
      status?: number;
      /** undici / Node / zlib error code that caused it, when there was one. */
      code?: string;
      /** Parsed `Retry-After`, in ms from when the answer arrived. */
      retryAfterMs?: number;
      /** The proxy that carried the last request (label, password redacted), if one did. */
      proxy?: string;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: details.cause });
  }

  get status(): number | undefined {
    return this.details.status;
  }

  /** The undici / Node / zlib code that caused it, if any. */
  get causeCode(): string | undefined {
    return this.details.code;
  }

  /** This error, saying which proxy (label) carried the request. */
  viaProxy(proxy: string | undefined): FetchError {
    return proxy === undefined || this.details.proxy !== undefined ? this : new FetchError(this.message, this.kind, { ...this.details, proxy, cause: this.cause });
  }

  /** The record's `error` field. */
  toPageError(): PageError {
    return this.details.status === undefined ? { kind: this.kind, message: this.message } : { kind: this.kind, message: this.message, status: this.details.status };
  }
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NODATA', 'EAI_NONAME', 'EAI_FAIL']);
const CONNECT_CODES = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'EADDRNOTAVAIL']);
/** The connection died; before the response started that is a connect problem, after it a network one. */
const BROKEN_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'ECONNABORTED', 'UND_ERR_CLOSED']);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|ERR_OSSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH|EPROTO$)/;

/** The first `code` found on the error, its `cause` chain or (for AggregateError) its first inner error. */
function findCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 4 && current !== null && typeof current === 'object'; depth++) {
    const e = current as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof e.code === 'string') return e.code;
    current = e.cause ?? (Array.isArray(e.errors) ? e.errors[0] : undefined);
  }
  return undefined;
}

function messageOf(err: unknown): string {
  if (err instanceof Error) {
    if (err.message) return err.message;
    const inner = (err as { errors?: unknown }).errors;
    if (Array.isArray(inner) && inner[0] instanceof Error) return inner[0].message;
    return err.name;
  }
  return String(err);
}

/** ipaddr.js range names, as a reader of a record would want them said. */
const RANGE_NAMES: Record<string, string> = {
  loopback: 'a loopback address',
  private: 'a private (RFC 1918) address',
  linkLocal: 'a link-local address, where cloud metadata lives,',
  uniqueLocal: 'a unique-local (private IPv6) address',
  carrierGradeNat: 'a carrier-grade NAT address',
  unspecified: 'the unspecified address (it reaches this host)',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
  reserved: 'a reserved address',
};

/** What kind of non-public address `address` is; IPv4-mapped IPv6 is described by its IPv4. */
function describeAddress(address: string): string {
  try {
    const parsed = ipaddr.parse(address);
    if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
      const v4 = (parsed as ipaddr.IPv6).toIPv4Address();
      return `IPv4-mapped ${v4.toString()}, ${RANGE_NAMES[v4.range()] ?? 'not a public address'}`;
    }
    return RANGE_NAMES[parsed.range()] ?? 'not a public address';
  } catch {
    return 'not a public address';
  }
}

/** The record's message for a connection the SSRF guard refused: what was refused, and how to allow it. */
export function blockedMessage(blocked: Pick<BlockedAddressError, 'host' | 'address'>): string {
  const what = describeAddress(blocked.address);
  const isLiteral = ipaddr.isValid(blocked.host.replace(/^\[|\]$/g, ''));
  const subject = isLiteral ? `${blocked.address} is ${what}` : `${blocked.host} resolves to ${blocked.address}, ${what}`;
  return `blocked: ${subject} (SSRF guard); pass --allow-private (allowPrivate: true) to allow private networks`;
}

/**
 * Maps anything thrown during an attempt to a {@link FetchError}.
 * `gotResponse` says whether the status line had arrived: a reset before it is a `connect`
 * problem (nothing was served), after it a `network` one (the body was cut).
 */
export function toFetchError(err: unknown, gotResponse: boolean): FetchError {
  if (err instanceof FetchError) return err;
  // Before the guard: a proxy refused by the proxy guard is the proxy's problem, not the target's.
  if (err instanceof ProxyPoolExhaustedError) return new FetchError(err.message, 'proxy', { code: err.code, cause: err });
  const proxied = findProxyError(err);
  if (proxied) return new FetchError(proxied.message, 'proxy', { status: proxied.status, code: proxied.code, proxy: proxied.proxy, cause: err });
  // The SSRF guard's refusal, raised inside the connector (no socket was opened). Never retried.
  const blocked = findBlockedAddressError(err);
  if (blocked) return new FetchError(blockedMessage(blocked), 'blocked', { code: blocked.code, cause: err });
  const code = findCode(err);
  const message = messageOf(err);
  const make = (kind: ErrorKind) => new FetchError(code ? `${message} (${code})` : message, kind, { code, cause: err });
  if (code === undefined) return make('network');
  if (DNS_CODES.has(code)) return make('dns');
  if (CONNECT_CODES.has(code)) return make('connect');
  if (TIMEOUT_CODES.has(code)) return make('timeout');
  if (TLS_CODE.test(code)) return make('tls');
  if (BROKEN_CODES.has(code)) return make(gotResponse ? 'network' : 'connect');
  if (code === 'UND_ERR_HEADERS_OVERFLOW') {
    return new FetchError(`response headers larger than ${MAX_HEADER_BYTES / 1024} KiB, more than a browser takes (${code})`, 'network', { code, cause: err });
  }
  // zlib (Z_DATA_ERROR, ERR__ERROR_FORMAT_PADDING_1 for brotli …), HTTP parser (HPE_*), length mismatch, unknown.
  return make('network');
}

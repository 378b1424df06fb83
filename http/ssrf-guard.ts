/**
 * SSRF guard: no connection may reach a non-public address unless `allowPrivate` is on.
 *
 * The check runs at connect time, inside the undici connector, so it sees the address the socket
 * would really use: every redirect hop opens its connection through the same connector, and a
 * DNS answer that changes between two connections (rebinding) is checked again. Two paths:
 *
 * - host names go through {@link createGuardedLookup}, which net/tls `connect` call instead of
 *   `dns.lookup`;
 * - IP literals never reach `lookup` (net skips it when `net.isIP(host)`), so the connector checks
 *   them itself, in every legacy spelling (`2130706433`, `0x7f.1`, `0177.0.0.1`, `127.1`).
 *
 * Ranges come from ipaddr.js rather than a hand-written list.
 */
import dns from 'node:dns';
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import type { buildConnector as Connector } from 'undici';
import { buildConnector } from './undici';
import { FanoutError } from '../core/errors';

/** Decides whether a socket may connect to `ip` (a canonical IPv4 or IPv6 string). */
export type AddressPredicate = (ip: string) => boolean;

/** The `lookup` option of `net.connect` / `tls.connect`. */
export type LookupFunction = net.LookupFunction;

/** The error a blocked connection fails with. No socket was opened and no byte was sent. */
export class BlockedAddressError extends FanoutError {
  override readonly name = 'BlockedAddressError';
  /** Stable code, in the style of undici's `UND_ERR_*` codes. */
  readonly code = 'FANOUT_BLOCKED';

  constructor(
    /** The host as the request named it (a name, or an IP literal in any spelling). */
    readonly host: string,
    /** The non-public address it is, or resolved to (canonical form). */
    readonly address: string,
  ) {
    super(
      host === address
        ? `blocked: ${address} is not a public address (allowPrivate is off)`
        : `blocked: ${host} resolves to ${address}, which is not a public address (allowPrivate is off)`,
    );
  }
}

/**
 * Finds a {@link BlockedAddressError} in `error` or its `cause` chain (fetch wraps connect errors
 * in `TypeError('fetch failed', { cause })`; AggregateErrors are searched too).
 */
export function findBlockedAddressError(error: unknown, depth = 0): BlockedAddressError | undefined {
  if (error instanceof BlockedAddressError) return error;
  if (depth > 8 || typeof error !== 'object' || error === null) return undefined;
  if (error instanceof AggregateError) {
    for (const inner of error.errors) {
      const found = findBlockedAddressError(inner, depth + 1);
      if (found) return found;
    }
  }
  return findBlockedAddressError((error as { cause?: unknown }).cause, depth + 1);
}

/** What a URL's host is: an IP literal (canonical form) or a name to resolve. */
export type HostLiteral = { kind: 'ip'; family: 4 | 6; address: string } | { kind: 'name'; name: string };

/**
 * Pure: tells an IP literal from a host name, accepting every spelling that `inet_aton` (and so
 * `getaddrinfo`) would accept for IPv4 (`2130706433`, `0x7f.1`, `0177.0.0.1`, `127.1`) and IPv6
 * with or without brackets. Callers need not have parsed the URL first.
 *
 * @example classifyHostLiteral('0x7f.1') // { kind: 'ip', family: 4, address: '127.0.0.1' }
 */
export function classifyHostLiteral(hostname: string): HostLiteral {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  if (ipaddr.IPv6.isValid(bare)) {
    return { kind: 'ip', family: 6, address: ipaddr.IPv6.parse(bare).toString() };
  }
  // ipaddr.js's IPv4.isValid takes the legacy forms; isValidFourPartDecimal would not.
  if (ipaddr.IPv4.isValid(bare)) {
    return { kind: 'ip', family: 4, address: ipaddr.IPv4.parse(bare).toString() };
  }
  return { kind: 'name', name: hostname };
}

/**
 * True when `ip` is an ordinary public unicast address: ipaddr.js `range()` is `'unicast'`, after
 * unwrapping the IPv6 forms that carry an IPv4 address (IPv4-mapped, SIIT, NAT64 `64:ff9b::/96`,
 * 6to4 `2002::/16`), which are public only when the IPv4 inside is. Teredo, local-use NAT64 and the
 * deprecated IPv4-compatible `::/96` are not public. Anything that does not parse is not public.
 */
export function isPublicAddress(ip: string): boolean {
  const literal = classifyHostLiteral(ip);
  if (literal.kind !== 'ip') return false;
  return isPublicParsed(ipaddr.parse(literal.address));
}

function isPublicParsed(addr: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  if (addr.kind() === 'ipv4') return addr.range() === 'unicast';
  const v6 = addr as ipaddr.IPv6;
  const embedded = embeddedIPv4(v6);
  if (embedded) return isPublicParsed(embedded);
  const p = v6.parts;
  const ipv4Compatible = p[0] === 0 && p[1] === 0 && p[2] === 0 && p[3] === 0 && p[4] === 0 && p[5] === 0;
  return !ipv4Compatible && v6.range() === 'unicast';
}

/** The IPv4 address an IPv6 address stands for, when it is one of the translation forms. */
function embeddedIPv4(v6: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const p = v6.parts as [number, number, number, number, number, number, number, number];
  const fromWords = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  switch (v6.range()) {
    case 'ipv4Mapped':
    case 'rfc6145':
      return fromWords(p[6], p[7]);
    case 'rfc6052':
      // Only the well-known prefix 64:ff9b::/96; 64:ff9b:1::/48 is local-use and stays blocked.
      return p[2] === 0 ? fromWords(p[6], p[7]) : undefined;
    case '6to4':
      return fromWords(p[1], p[2]);
    default:
      return undefined;
  }
}

export interface GuardedLookupOptions {
  /** Which resolved addresses may be used. @default isPublicAddress */
  isAllowed?: AddressPredicate;
  /** The resolver to wrap (a seam for tests and for custom DNS). @default dns.lookup */
  lookup?: LookupFunction;
}

/**
 * A `lookup` for `net.connect`/`tls.connect` that resolves with every address (`all: true`) and
 * fails with {@link BlockedAddressError} if ANY of them is not allowed. Blocking the whole name,
 * rather than using only its public addresses, is deliberate: a name that mixes public and private
 * records is either misconfigured or an attack on the client's address selection (happy eyeballs
 * would try the private one). Answers in both the `all: true` and the single-address form.
 */
export function createGuardedLookup(options: GuardedLookupOptions = {}): LookupFunction {
  const isAllowed = options.isAllowed ?? isPublicAddress;
  const base: LookupFunction = options.lookup ?? (dns.lookup as LookupFunction);
  return function guardedLookup(hostname, lookupOptions, callback) {
    base(hostname, { ...lookupOptions, all: true }, (err, result, family) => {
      if (err) return callback(err, '');
      const addresses: dns.LookupAddress[] = typeof result === 'string' ? [{ address: result, family: family ?? net.isIP(result) }] : result;
      const blocked = addresses.find((a) => !isAllowed(a.address));
      if (blocked) return callback(new BlockedAddressError(hostname, blocked.address), '');
      const first = addresses[0];
      if (!first) {
        const notFound: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
        notFound.code = 'ENOTFOUND';
        return callback(notFound, '');
      }
      if (lookupOptions.all) return callback(null, addresses);
      return callback(null, first.address, first.family);
    });
  };
}

/** `createGuardedLookup()` with the defaults: public addresses only, system resolver. */
export const guardedLookup: LookupFunction = createGuardedLookup();

/** Options of {@link createGuardedConnector}: undici's `buildConnector` options, plus the guard's. */
export type GuardedConnectorOptions = Connector.BuildOptions & {
  /** Turn the guard off: the result is a plain `buildConnector(options)`. @default false */
  allowPrivate?: boolean;
  /** Which addresses may be connected to (tests stand a loopback address in for a public one). @default isPublicAddress */
  isAllowed?: AddressPredicate;
  /** The resolver the guard wraps. @default dns.lookup */
  lookup?: LookupFunction;
};

/**
 * An undici connector (for `new Agent({ connect })`) that refuses non-public addresses before any
 * socket exists: IP literals are checked here (and passed on in canonical form, so the address
 * checked is the address dialled), names through {@link createGuardedLookup}. A refused connection
 * fails every request queued on it with {@link BlockedAddressError}.
 *
 * @example
 * const agent = new Agent({ connect: createGuardedConnector({ allowPrivate, timeout: 10_000 }) });
 */
export function createGuardedConnector(options: GuardedConnectorOptions = {}): Connector.connector {
  const { allowPrivate = false, isAllowed = isPublicAddress, lookup, ...connectOptions } = options;
  if (allowPrivate) return buildConnector(lookup ? { ...connectOptions, lookup } : connectOptions);
  const connect = buildConnector({ ...connectOptions, lookup: createGuardedLookup({ isAllowed, lookup }) });
  return function guardedConnect(connectParams, callback) {
    const literal = classifyHostLiteral(connectParams.hostname);
    if (literal.kind === 'ip') {
      if (!isAllowed(literal.address)) {
        const error = new BlockedAddressError(connectParams.hostname, literal.address);
        // Asynchronously, as a real connect failure would be: undici expects the callback later.
        queueMicrotask(() => callback(error, null));
        return;
      }
      return connect({ ...connectParams, hostname: literal.address }, callback);
    }
    if (net.isIP(connectParams.hostname) !== 0) {
      // net would skip lookup for this, yet ipaddr.js could not parse it: fail closed.
      queueMicrotask(() => callback(new BlockedAddressError(connectParams.hostname, connectParams.hostname), null));
      return;
    }
    return connect(connectParams, callback);
  };
}

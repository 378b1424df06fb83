/**
 * Whether this machine can listen on the IPv6 loopback (::1), probed once, synchronously, when the
 * module loads: jest decides `it` or `it.skip` while it collects tests, before any hook could
 * await a real listen. A test that needs ::1 then shows as skipped where IPv6 is off, not as passed.
 *
 * @example
 * const itWithIpv6 = canListenOnIpv6Loopback ? it : it.skip;
 */
import { spawnSync } from 'node:child_process';

/** Exits 0 once it has listened on ::1 (and closed again), 1 if listening failed. */
const PROBE = "require('node:net').createServer().once('error', () => process.exit(1)).listen(0, '::1', function () { this.close(); })";

export const canListenOnIpv6Loopback: boolean = spawnSync(process.execPath, ['-e', PROBE], { stdio: 'ignore', timeout: 10_000 }).status === 0;

/**
 * The key per-host limits count by: `host:port`, the unit a server (and undici's pool) sees.
 * One function for both sides of the wire, so the orchestrator's `hostLimits` keys are exactly
 * the worker's.
 */

/**
 * `hostname:port` of an http(s) URL, the default port written out; undefined for anything else.
 * @example hostKey('https://Example.com/a') // 'example.com:443'
 * @example hostKey('http://[::1]:8080/')    // '[::1]:8080'
 */
export function hostKey(url: URL | string): string | undefined {
  let parsed: URL;
  if (typeof url === 'string') {
    try {
      parsed = new URL(url);
    } catch {
      return undefined;
    }
  } else parsed = url;
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  return `${parsed.hostname}:${parsed.port || (parsed.protocol === 'https:' ? '443' : '80')}`;
}

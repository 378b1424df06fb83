/**
 * The cookies of one redirect chain. Many sites answer a first visit with "set this cookie and
 * come back" (a redirect to the same URL, or via a consent or session page); a browser, curl -L -b
 * and requests all carry the cookies along the chain, so the chain ends on the page. Without them
 * the same URL comes round again and the page is lost as a redirect loop. Cookies live for one
 * URL's chain only: a scraper must not carry state from one page to the next.
 *
 * Deliberately small: name=value, host-only or `Domain=`, `Max-Age`/`Expires` deletion. Path,
 * Secure and SameSite are not modelled (a chain is one navigation; sending a cookie slightly more
 * widely than a browser would is harmless here).
 */

interface Cookie {
  value: string;
  /** The host that set it (host-only), or the `Domain=` attribute without a leading dot. */
  domain: string;
  hostOnly: boolean;
}

/** Cookies one chain may hold; more are ignored (a hostile server cannot grow the header without bound). */
const MAX_COOKIES = 50;
const MAX_COOKIE_BYTES = 4096;

export class RedirectCookies {
  private readonly jar = new Map<string, Cookie>();

  /** Takes the `Set-Cookie` headers of a response from `host`. */
  store(host: string, setCookie: string | string[] | undefined): void {
    if (setCookie === undefined) return;
    for (const line of Array.isArray(setCookie) ? setCookie : [setCookie]) this.storeOne(host.toLowerCase(), line);
  }

  private storeOne(host: string, line: string): void {
    if (line.length > MAX_COOKIE_BYTES) return;
    const [pair = '', ...attributes] = line.split(';');
    const eq = pair.indexOf('=');
    if (eq <= 0) return;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    let domain = host;
    let hostOnly = true;
    let expired = false;
    for (const attribute of attributes) {
      const [rawKey = '', ...rest] = attribute.split('=');
      const key = rawKey.trim().toLowerCase();
      const attrValue = rest.join('=').trim();
      if (key === 'domain' && attrValue !== '') {
        const wanted = attrValue.replace(/^\./, '').toLowerCase();
        // A server may only set cookies for itself or a parent domain of itself.
        if (host !== wanted && !host.endsWith(`.${wanted}`)) return;
        domain = wanted;
        hostOnly = false;
      } else if (key === 'max-age') {
        expired = Number(attrValue) <= 0;
      } else if (key === 'expires') {
        const at = Date.parse(attrValue);
        expired = Number.isFinite(at) && at <= Date.now();
      }
    }
    const id = `${domain}|${name}`;
    if (expired) {
      this.jar.delete(id);
      return;
    }
    if (!this.jar.has(id) && this.jar.size >= MAX_COOKIES) return;
    this.jar.set(id, { value, domain, hostOnly });
  }

  /** The `Cookie` header for a request to `host`, or undefined when no cookie applies. */
  headerFor(host: string): string | undefined {
    const target = host.toLowerCase();
    const pairs: string[] = [];
    for (const [id, cookie] of this.jar) {
      const applies = cookie.hostOnly ? target === cookie.domain : target === cookie.domain || target.endsWith(`.${cookie.domain}`);
      if (applies) pairs.push(`${id.slice(id.indexOf('|') + 1)}=${cookie.value}`);
    }
    return pairs.length > 0 ? pairs.join('; ') : undefined;
  }
}

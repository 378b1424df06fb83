/**
 * Pure: the include / exclude URL patterns of `--include` and `--exclude` (crawl links, sitemap
 * URLs), compiled once where they enter, so a bad one fails before anything is fetched.
 */
import { UsageError } from './errors';

/** Whether a URL passes the patterns. */
export type UrlFilter = (url: string) => boolean;

const REGEX_FORM = /^\/(.+)\/([a-z]*)$/s;

/**
 * Compiles one pattern. `/…/flags` is a regular expression, searched anywhere in the URL (as grep
 * does); anything else is a glob over the whole normalised URL, where `*` matches any run of
 * characters (slashes too) and `?` any one character. Throws {@link UsageError} naming the pattern.
 *
 * @example
 * compilePattern('https://example.com/blog/*').test('https://example.com/blog/2024/a') // true
 * compilePattern('/\\.pdf$/i').test('https://example.com/A.PDF')                       // true
 */
export function compilePattern(pattern: string): RegExp {
  if (pattern.trim() === '') throw new UsageError('empty URL pattern; give a glob such as https://example.com/blog/* or a regex such as /\\/blog\\//');
  const regex = REGEX_FORM.exec(pattern);
  if (regex) {
    try {
      return new RegExp(regex[1]!, regex[2]);
    } catch (error) {
      throw new UsageError(`bad URL pattern ${pattern}: ${(error as Error).message}; fix the regular expression, or write a glob such as https://example.com/blog/*`, {
        cause: error,
      });
    }
  }
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 's');
}

/**
 * A filter that passes a URL matching at least one of `include` (or any URL when there is none)
 * and none of `exclude`.
 *
 * @example
 * const keep = urlFilter(['https://example.com/docs/*'], ['*.pdf']);
 * keep('https://example.com/docs/a.html') // true
 * keep('https://example.com/docs/a.pdf')  // false
 */
export function urlFilter(include: readonly string[] = [], exclude: readonly string[] = []): UrlFilter {
  const yes = include.map(compilePattern);
  const no = exclude.map(compilePattern);
  if (yes.length === 0 && no.length === 0) return () => true;
  return (url) => (yes.length === 0 || yes.some((re) => re.test(url))) && !no.some((re) => re.test(url));
}

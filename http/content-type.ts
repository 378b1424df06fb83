/**
 * Small pure helpers over `Content-Type` values and body bytes: is this HTML, which charset.
 */

/** The MIME essence (`text/html`), lower-cased, without parameters; null when absent. */
export function mimeType(contentType: string | null): string | null {
  if (contentType === null) return null;
  const semicolon = contentType.indexOf(';');
  const essence = (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  return essence === '' ? null : essence;
}

/** The `charset` parameter of a `Content-Type` value, if any. */
export function charsetParam(contentType: string | null): string | undefined {
  if (contentType === null) return undefined;
  const match = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;,\s]+))/i.exec(contentType);
  const value = match?.[1] ?? match?.[2];
  return value === undefined || value === '' ? undefined : value;
}

/** Whether a declared MIME type is one we parse as HTML. */
export function isHtmlMime(mime: string): boolean {
  return mime === 'text/html' || mime === 'application/xhtml+xml';
}

/** How many leading bytes {@link looksLikeHtml} inspects. */
const SNIFF_BYTES = 512;
const HTML_START = /^(?:\xef\xbb\xbf)?\s*<(?:!doctype\s+html|html|head|body|title|meta|!--)/i;

/**
 * For bodies served without a `Content-Type`: does it start like an HTML document
 * (`<!doctype html`, `<html`, `<head`, `<body`, `<title`, `<meta` or a comment, after whitespace/BOM)?
 */
export function looksLikeHtml(body: Buffer): boolean {
  // latin1 maps bytes 1:1, so the UTF-8 BOM shows up as \xef\xbb\xbf in the pattern.
  return HTML_START.test(body.toString('latin1', 0, Math.min(body.length, SNIFF_BYTES)));
}

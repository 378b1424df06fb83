/**
 * WHATWG encoding labels -> decoders. Node's `TextDecoder` (full ICU) knows every label of the
 * Encoding Standard (windows-1251, shift_jis, gbk, koi8-r …), so this only caches them.
 */
import { TextDecoder } from 'node:util';

const decoders = new Map<string, TextDecoder | null>();

/**
 * A (cached) decoder for a WHATWG label, or null if the label names no encoding Node can decode
 * (an unknown label, or the "replacement" encoding's labels, which Node refuses).
 */
export function decoderFor(label: string): TextDecoder | null {
  const key = label.trim().toLowerCase();
  let decoder = decoders.get(key);
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(key);
    } catch {
      decoder = null;
    }
    decoders.set(key, decoder);
  }
  return decoder;
}

/**
 * The encoding a `<meta>` label declares, as the prescan reads it: the Encoding Standard's name
 * for the label, except that UTF-16 means UTF-8 (the bytes being read are ASCII-compatible) and
 * x-user-defined means windows-1252. Undefined when the label names nothing usable.
 */
export function metaEncodingFor(label: string): string | undefined {
  if (label.trim().toLowerCase() === 'x-user-defined') return 'windows-1252';
  const encoding = decoderFor(label)?.encoding;
  if (encoding === undefined) return undefined;
  return encoding.startsWith('utf-16') ? 'utf-8' : encoding;
}

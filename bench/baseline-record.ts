/**
 * The per-page work of the classic baselines, the same record fanout writes by default: fetch with
 * undici, parse with cheerio's default `load` (parse5), take title, description and links.
 * Written the way a typical script would, so the baselines show what the usual approach costs.
 */
import * as cheerio from 'cheerio';
import { fetch } from 'undici';

export interface BaselineRecord {
  url: string;
  ok: boolean;
  status: number;
  bytes: number;
  title: string | null;
  description: string | null;
  links: string[];
  error?: string;
}

/** Title, description and absolute http(s) links, from a cheerio document. */
export function extractRecord(html: string, baseUrl: string): Pick<BaselineRecord, 'title' | 'description' | 'links'> {
  const $ = cheerio.load(html);
  const title = $('title').first().text().trim() || null;
  const description = $('meta[name="description"]').attr('content')?.trim() || $('meta[property="og:description"]').attr('content')?.trim() || null;
  const links = new Set<string>();
  $('a[href]').each((_, el) => {
    try {
      const url = new URL($(el).attr('href')!, baseUrl);
      url.hash = '';
      if (url.protocol === 'http:' || url.protocol === 'https:') links.add(url.href);
    } catch {
      // not a URL: skip it, as fanout does
    }
  });
  return { title, description, links: [...links] };
}

/** Fetches and parses one page; a failure is a record, never a throw. */
export async function fetchRecord(url: string): Promise<BaselineRecord> {
  try {
    const res = await fetch(url);
    const html = await res.text();
    return { url, ok: res.ok, status: res.status, bytes: Buffer.byteLength(html), ...extractRecord(html, res.url || url) };
  } catch (err) {
    return { url, ok: false, status: 0, bytes: 0, title: null, description: null, links: [], error: String(err) };
  }
}

// Feed autodiscovery: which feeds a web page announces, and where else a site's feed usually lives.
// Pure: the caller fetches (through the ingest fetcher) and hands the text here.
import { Parser } from 'htmlparser2';

export type FeedKind = 'rss' | 'atom' | 'json';

export interface FeedLink {
  url: string;
  kind: FeedKind | null;
  title: string;
}

/** MIME types of feeds a page may announce (the atompub autodiscovery draft, and JSON Feed). */
const FEED_TYPES: Readonly<Record<string, FeedKind>> = {
  'application/rss+xml': 'rss',
  'application/atom+xml': 'atom',
  'application/feed+json': 'json',
  'application/json': 'json',
  'application/rdf+xml': 'rss',
  'application/x.atom+xml': 'atom',
  'application/x-atom+xml': 'atom',
  'text/xml': 'rss',
  'application/xml': 'rss',
};

/** Where sites commonly serve a feed when no page announces it, tried in this order. */
export const FALLBACK_FEED_PATHS = ['/feed', '/rss', '/rss.xml', '/atom.xml', '/feed.xml', '/index.xml', '/feed.json'] as const;

/** Past this many characters a page is not read further: the announcing links sit near the top. */
const MAX_SCAN_CHARS = 1_000_000;

/**
 * The feeds a page announces, in page order, without duplicates: `<link rel="alternate">` with a feed
 * type, and `rel="feed"` (any type), in head or body, with relative hrefs resolved against the page
 * (or its `<base href>`). Attribute names and values are matched case-insensitively.
 */
export function feedLinksIn(html: string, pageUrl: string): FeedLink[] {
  const found: FeedLink[] = [];
  const seen = new Set<string>();
  let base = pageUrl;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (name === 'base' && attributes['href']) {
          const resolved = resolve(attributes['href'], pageUrl);
          if (resolved) base = resolved;
          return;
        }
        if (name !== 'link' && name !== 'a') return;
        const rel = (attributes['rel'] ?? '').toLowerCase().split(/\s+/).filter(Boolean);
        const type = (attributes['type'] ?? '').toLowerCase().split(';')[0]!.trim();
        const href = attributes['href'];
        if (!href) return;
        const typed = FEED_TYPES[type];
        const announced = (rel.includes('alternate') && typed !== undefined && !rel.includes('stylesheet')) || rel.includes('feed');
        if (!announced) return;
        const url = resolve(href, base);
        if (!url || seen.has(url)) return;
        seen.add(url);
        found.push({ url, kind: typed ?? null, title: (attributes['title'] ?? '').trim() });
      },
    },
    { lowerCaseTags: true, lowerCaseAttributeNames: true, decodeEntities: true },
  );
  parser.end(html.length > MAX_SCAN_CHARS ? html.slice(0, MAX_SCAN_CHARS) : html);
  return found;
}

/** The usual feed addresses of the site a page belongs to, at its root. */
export function fallbackFeedUrls(pageUrl: string): string[] {
  const origin = new URL(pageUrl).origin;
  return FALLBACK_FEED_PATHS.map((path) => origin + path);
}

/** True when a document is an HTML page rather than a feed (what a "feed" URL serving a page sends). */
export function looksLikeHtml(body: string): boolean {
  return /^\s*(<!--[\s\S]*?-->\s*)*(<!doctype html|<html[\s>]|<head[\s>]|<body[\s>])/i.test(body.slice(0, 4096));
}

/** True when a document looks like a feed: RSS, RDF, Atom or JSON Feed, judged by its opening. */
export function looksLikeFeed(body: string): boolean {
  const start = body.slice(0, 4096).trimStart();
  if (start.startsWith('{')) return /"version"\s*:\s*"https:\/\/jsonfeed\.org\/version\//.test(body.slice(0, 20_000));
  return /<(rss|feed|rdf:RDF)[\s>]/i.test(start);
}

/** Links from a page to other sites' pages (http(s), absolute once resolved), first occurrence each. */
export function outboundLinks(html: string, pageUrl: string, limit = 200): string[] {
  const own = hostOf(pageUrl);
  const out: string[] = [];
  const seen = new Set<string>();
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (name !== 'a' || !attributes['href'] || out.length >= limit) return;
        const rel = (attributes['rel'] ?? '').toLowerCase();
        // Sponsored and user-written links are no one's recommendation.
        if (/\b(sponsored|ugc)\b/.test(rel)) return;
        const url = resolve(attributes['href'], pageUrl);
        if (!url) return;
        const host = hostOf(url);
        if (!host || host === own || seen.has(url)) return;
        seen.add(url);
        out.push(url);
      },
    },
    { lowerCaseTags: true, lowerCaseAttributeNames: true, decodeEntities: true },
  );
  parser.end(html.length > MAX_SCAN_CHARS ? html.slice(0, MAX_SCAN_CHARS) : html);
  return out;
}

/** A site's host without `www.`, the unit discovery thinks in; null for anything but http(s). */
export function hostOf(url: string): string | null {
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    return u.host.toLowerCase().replace(/^www\./, '');
  } catch {
    return null;
  }
}

function resolve(href: string, base: string): string | null {
  try {
    const url = new URL(href.trim(), base);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    url.hash = '';
    return url.toString();
  } catch {
    return null;
  }
}

/**
 * A readable source id from a feed URL: host and path, lowercase, dashes, at most 64 characters. `withPort` keeps a
 * non-default port (discovery meets sites that differ only by it); the operator's `sources add` leaves it out.
 */
export function sourceIdFor(url: string, options: { withPort?: boolean } = {}): string {
  let base = url;
  try {
    const u = new URL(url);
    base = `${(options.withPort ? u.host : u.hostname).replace(/^www\./, '')}${u.pathname}`;
  } catch {
    base = url.replace(/^sample:/, '');
  }
  const slug = base
    .toLowerCase()
    .replace(/\.(xml|rss|atom|json)$/, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
  return slug || 'source';
}

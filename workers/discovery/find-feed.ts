// From any URL to a feed: the URL itself, or what its page announces, or the usual paths; each
// candidate fetched and read before it counts. Used by `sources add` and by discovery.
import { fallbackFeedUrls, feedLinksIn, looksLikeHtml } from '../../src/core/discovery/autodiscovery';
import { FeedParseError, parseFeedDocument, type FeedItem } from '../../src/core/feeds/feed-items';
import type { DiscoveryFetcher, Fetched } from './fetcher';

export interface FoundFeed {
  ok: true;
  /** The URL asked about. */
  url: string;
  feed_url: string;
  title: string;
  kind: 'RSS' | 'Atom' | 'RDF' | 'JSON Feed';
  items: FeedItem[];
  /** The newest item's date (ISO), or null when no item is dated. */
  newest: string | null;
  /** How it was found: "the URL is a feed", "announced by the page", "at a usual path". */
  how: string;
}

export type FindFeedResult = FoundFeed | { ok: false; url: string; reason: string; budget?: boolean };

/** Find, fetch and read the feed behind a URL; the reason says why not when there is none. */
export async function findFeed(url: string, fetcher: DiscoveryFetcher, options: { page?: boolean } = {}): Promise<FindFeedResult> {
  // A page discovery came across is fetched only where robots.txt allows; an operator's own URL is theirs to ask for.
  const first = options.page ? await fetcher.page(url) : await fetcher.feed(url);
  if (!first.ok) return { ok: false, url, reason: `${url}: ${first.reason}`, budget: first.budget };
  if (!looksLikeHtml(first.body)) {
    const read = readAsFeed(first, url, 'the URL is a feed');
    if (read.ok) return read;
    return { ok: false, url, reason: `${url} is neither a feed nor a web page: ${read.reason}` };
  }
  const announced = feedLinksIn(first.body, url);
  const tried: string[] = [];
  for (const link of announced) {
    const got = await fetcher.feed(link.url);
    if (!got.ok) {
      tried.push(`${link.url} (${got.reason})`);
      if (got.budget) return { ok: false, url, reason: got.reason, budget: true };
      continue;
    }
    if (looksLikeHtml(got.body)) {
      tried.push(`${link.url} (announced as a feed, but it serves an HTML page)`);
      continue;
    }
    const read = readAsFeed(got, url, 'announced by the page');
    if (read.ok) return read;
    tried.push(`${link.url} (${read.reason})`);
  }
  // Only when the page names no working feed: the paths sites commonly use, at the site's root.
  for (const candidate of fallbackFeedUrls(url)) {
    if (candidate === url || announced.some((l) => l.url === candidate)) continue;
    const got = await fetcher.feed(candidate);
    if (!got.ok) {
      if (got.budget) return { ok: false, url, reason: got.reason, budget: true };
      continue;
    }
    if (looksLikeHtml(got.body)) continue;
    const read = readAsFeed(got, url, 'at a usual feed path');
    if (read.ok) return read;
  }
  const announcedText =
    announced.length === 0
      ? 'announces no feed (no <link rel="alternate"> with a feed type)'
      : `announces ${announced.length} feed(s) that did not work: ${tried.join('; ')}`;
  return {
    ok: false,
    url,
    reason: `${url} is an HTML page, not a feed: it ${announcedText}, and none of ${fallbackFeedUrls(url)
      .map((u) => new URL(u).pathname)
      .join(' ')} on its site serves one. Pass the feed's own URL.`,
  };
}

function readAsFeed(got: Extract<Fetched, { ok: true }>, asked: string, how: string): FoundFeed | { ok: false; reason: string } {
  let doc;
  try {
    doc = parseFeedDocument(got.body);
  } catch (error) {
    return { ok: false, reason: error instanceof FeedParseError ? error.message : String(error) };
  }
  let newest: number | null = null;
  for (const item of doc.items) {
    const t = typeof item.published === 'string' ? Date.parse(item.published) : NaN;
    if (Number.isFinite(t) && (newest === null || t > newest)) newest = t;
  }
  return {
    ok: true,
    url: asked,
    feed_url: got.url,
    title: doc.title.trim(),
    kind: kindOf(got.body),
    items: doc.items,
    newest: newest === null ? null : new Date(newest).toISOString(),
    how,
  };
}

function kindOf(body: string): FoundFeed['kind'] {
  const start = body.slice(0, 2048).trimStart();
  if (start.startsWith('{')) return 'JSON Feed';
  if (/<feed[\s>]/i.test(start)) return 'Atom';
  if (/<rdf:RDF[\s>]/i.test(start)) return 'RDF';
  return 'RSS';
}

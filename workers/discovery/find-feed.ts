// From any URL to a feed: the URL itself, or what its page announces, or the usual paths; each
// candidate fetched and read before it counts. Used by `sources add` and by discovery.
import { fallbackFeedUrls, feedLinksIn, looksLikeHtml } from '../../src/core/discovery/autodiscovery';
import type { Article } from '../../src/contracts';
import type { FeedItem } from '../../src/core/feeds/feed-items';
import { inlineFeedParser, type FeedParser } from '../parse-feed';
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
/** What a discovered feed's items are checked as: a source with no default type, so nothing is guessed. */
const PROBE = { id: 'discovery', default_content_type: null } as const;

export interface FindFeedOptions {
  /** The URL is a page discovery came across: fetched only where robots.txt allows. */
  page?: boolean;
  /** Where documents are read: the workers' parsing threads (time budget per document); inline for an operator's own command. */
  parser?: FeedParser;
}

export async function findFeed(url: string, fetcher: DiscoveryFetcher, options: FindFeedOptions = {}): Promise<FindFeedResult> {
  const parser = options.parser ?? inlineFeedParser;
  // A page discovery came across is fetched only where robots.txt allows; an operator's own URL is theirs to ask for.
  const first = options.page ? await fetcher.page(url) : await fetcher.feed(url);
  if (!first.ok) return { ok: false, url, reason: `${url}: ${first.reason}`, budget: first.budget };
  if (!looksLikeHtml(first.body)) {
    const read = await readAsFeed(parser, first, url, 'the URL is a feed');
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
    const read = await readAsFeed(parser, got, url, 'announced by the page');
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
    const read = await readAsFeed(parser, got, url, 'at a usual feed path');
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

async function readAsFeed(
  parser: FeedParser,
  got: Extract<Fetched, { ok: true }>,
  asked: string,
  how: string,
): Promise<FoundFeed | { ok: false; reason: string }> {
  const outcome = await parser.parse(got.body, PROBE, Date.now());
  if (!outcome.ok) return { ok: false, reason: outcome.reason };
  // Items that passed the contract come back as articles, the others as read: both are the feed's items.
  const items = outcome.verdicts.map((v) => (v.ok ? itemOf(v.article) : v.item));
  let newest: number | null = null;
  for (const item of items) {
    const t = typeof item.published === 'string' ? Date.parse(item.published) : NaN;
    if (Number.isFinite(t) && (newest === null || t > newest)) newest = t;
  }
  return {
    ok: true,
    url: asked,
    feed_url: got.url,
    title: outcome.title.trim(),
    kind: kindOf(got.body),
    items,
    newest: newest === null ? null : new Date(newest).toISOString(),
    how,
  };
}

function itemOf(a: Article): FeedItem {
  return {
    link: a.url,
    title: a.title,
    summary: a.summary,
    published: a.published_at,
    author: a.author ?? undefined,
    topics: a.topics,
    content_type: a.content_type,
  };
}

function kindOf(body: string): FoundFeed['kind'] {
  const start = body.slice(0, 2048).trimStart();
  if (start.startsWith('{')) return 'JSON Feed';
  if (/<feed[\s>]/i.test(start)) return 'Atom';
  if (/<rdf:RDF[\s>]/i.test(start)) return 'RDF';
  return 'RSS';
}

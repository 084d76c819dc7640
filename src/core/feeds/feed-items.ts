// From a feed document to validated articles: parse with the feed library, then check each item
// against the article contract. Nothing is guessed: an item that fails is returned with its reasons.
import { extractFromJson, extractFromXml, type FeedEntry } from '@extractus/feed-extractor';
import { articleSchema, describeIssues, type Article, type ContentType, type Source } from '../../contracts';
import { sha256Hex } from '../encoding';
import { htmlToText } from './safe-text';

/** What a feed said about one item, before any checking. */
export interface FeedItem {
  link: string | undefined;
  title: string | undefined;
  summary: string | undefined;
  published: string | undefined;
  author: string | undefined;
  topics: string[];
  content_type: string | undefined;
}

export type ItemVerdict = { ok: true; article: Article } | { ok: false; reasons: string[]; item: FeedItem };

export class FeedParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FeedParseError';
  }
}

/** Parse an RSS, Atom, RDF or JSON Feed document into items. Throws FeedParseError for anything else. */
export function parseFeedDocument(body: string): { title: string; items: FeedItem[] } {
  const trimmed = body.trimStart();
  const options = { descriptionMaxLen: 0, useISODateFormat: true, getExtraEntryFields: extraFields };
  let data;
  // Any JSON document parses into an empty feed; only one that says it is a JSON Feed (or lists items) is one.
  if (trimmed.startsWith('{') && !isJsonFeed(trimmed))
    throw new FeedParseError(
      'not a feed: a JSON document without "version": "https://jsonfeed.org/version/1.1" or an "items" list (is this an API, not a JSON Feed?)',
    );
  try {
    data = trimmed.startsWith('{') ? extractFromJson(trimmed, options) : extractFromXml(trimmed, options);
  } catch (error) {
    throw new FeedParseError(`not a feed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const entries = (data.entries ?? []) as Array<FeedEntry & Partial<ExtraFields>>;
  return {
    title: typeof data.title === 'string' ? data.title : '',
    items: entries.map((e) => ({
      link: e.link,
      title: e.title,
      // The entry's own markup, reduced by our sanitiser: the library's stripping keeps script text.
      summary: e.raw_summary ?? e.description,
      published: e.published,
      author: e.author,
      topics: e.topics ?? [],
      content_type: e.content_type,
    })),
  };
}

function isJsonFeed(text: string): boolean {
  try {
    const doc = JSON.parse(text) as { version?: unknown; items?: unknown } | null;
    return (typeof doc?.version === 'string' && doc.version.startsWith('https://jsonfeed.org/version/')) || Array.isArray(doc?.items);
  } catch {
    return true; // malformed JSON: the parser below says what is wrong with it
  }
}

/** How far ahead of the fetch a date may be (time zones, clock skew) before it counts as made up. */
export const MAX_FUTURE_MS = 24 * 3600_000;

export interface ToArticleOptions {
  /** The fetch time; an item dated more than MAX_FUTURE_MS after it is quarantined. */
  nowMs?: number;
}

/**
 * Check one item against the article contract, using the source's declared default content type.
 * Fields come from strangers in whatever JSON type they chose: only text is reduced, anything else
 * reaches the contract as it is and fails there with the field's name.
 */
export async function toArticle(
  item: FeedItem,
  source: Pick<Source, 'id' | 'default_content_type'>,
  options: ToArticleOptions = {},
): Promise<ItemVerdict> {
  const link: unknown = item.link;
  const url = typeof link === 'string' && link ? normaliseUrl(link) : link || undefined;
  const topics: unknown = item.topics;
  const parsed = articleSchema.safeParse({
    id: typeof url === 'string' ? await articleIdFor(url) : 'unknown',
    url,
    // Feeds put markup (and worse) in text fields: readers get plain text, whatever the feed sent.
    title: textOf(item.title, 500),
    summary: textOf(item.summary ?? '', 2000),
    source: source.id,
    topics: Array.isArray(topics) ? topics.map((t) => textOf(t, 100)).filter(Boolean) : topics,
    author: item.author ? textOf(item.author, 200) || null : null,
    published_at: item.published,
    content_type: item.content_type ?? source.default_content_type ?? undefined,
  });
  if (!parsed.success) return { ok: false, reasons: describeIssues(parsed.error), item };
  // A date far ahead would rank as the newest item (and "latest post") until that day comes: a made-up
  // date is not guessed into a real one; the operator sees the item and its reason in quarantine.
  if (options.nowMs !== undefined && Date.parse(parsed.data.published_at) > options.nowMs + MAX_FUTURE_MS) {
    const reason = `published_at ${parsed.data.published_at} is more than ${MAX_FUTURE_MS / 3600_000} hours after the fetch (${new Date(options.nowMs).toISOString()}); a feed may not date an item in the future`;
    return { ok: false, reasons: [reason], item };
  }
  return { ok: true, article: parsed.data };
}

/** Text is made safe; any other JSON value is passed on for the contract to refuse, naming the field. */
function textOf(value: unknown, maxLength: number): unknown {
  return typeof value === 'string' ? htmlToText(value, maxLength) : value;
}

/**
 * Read a whole feed document: the verdict on every item, in feed order. One item that cannot be read
 * (whatever it holds) becomes a quarantined verdict with its reason; it never stops the others.
 * Throws FeedParseError when the document is not a feed at all.
 */
export async function readFeed(
  body: string,
  source: Pick<Source, 'id' | 'default_content_type'>,
  options: ToArticleOptions = {},
): Promise<{ title: string; verdicts: ItemVerdict[] }> {
  if (/^\s*(<!doctype html|<html[\s>])/i.test(body.slice(0, 4096))) {
    throw new FeedParseError("the address serves an HTML page, not a feed; use the page's RSS, Atom or JSON Feed link instead");
  }
  const { title, items } = parseFeedDocument(body);
  const verdicts: ItemVerdict[] = [];
  for (const item of items) {
    try {
      verdicts.push(await toArticle(item, source, options));
    } catch (error) {
      verdicts.push({ ok: false, reasons: [`item could not be read: ${error instanceof Error ? error.message : String(error)}`], item });
    }
  }
  return { title, verdicts };
}

/** The article id: a hash of its normalised URL, so the same article from two feeds is one article. */
export async function articleIdFor(url: string): Promise<string> {
  return `art_${(await sha256Hex(url)).slice(0, 24)}`;
}

const TRACKING_PARAMS =
  /^(utm_[a-z_]+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|twclid|igshid|mc_cid|mc_eid|ref_src|ref_url|_hsenc|_hsmi|mkt_tok|vero_id|oly_enc_id|oly_anon_id|__s|spm)$/i;

/**
 * Drop the fragment and tracking parameters and put the rest in a stable order, so one article
 * linked with different tracking has one id; leave anything that is not an http(s) URL as it is.
 */
export function normaliseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return raw.trim();
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return raw.trim();
  url.hash = '';
  for (const name of [...url.searchParams.keys()]) if (TRACKING_PARAMS.test(name)) url.searchParams.delete(name);
  url.searchParams.sort();
  return url.toString().replace(/\?$/, '');
}

interface ExtraFields {
  raw_summary: string | undefined;
  author: string | undefined;
  topics: string[];
  content_type: ContentType | string | undefined;
}

/** Read author, topics and content type from a raw RSS, Atom or JSON Feed entry. */
function extraFields(raw: Record<string, unknown>): Record<string, unknown> {
  const fields: ExtraFields = {
    raw_summary: firstText(raw['description'] ?? raw['summary'] ?? raw['content_text'] ?? raw['content'] ?? raw['content_html']),
    author: firstText(raw['dc:creator'] ?? raw['author'] ?? (raw['authors'] as unknown[] | undefined)?.[0]),
    topics: [
      ...new Set(
        toArray(raw['category'] ?? raw['tags'])
          .map(firstText)
          .filter((t): t is string => !!t)
          .map((t) => t.trim().toLowerCase()),
      ),
    ],
    content_type: firstText(raw['tidings:contentType'] ?? (raw['_tidings'] as Record<string, unknown> | undefined)?.['content_type']),
  };
  return { ...fields };
}

function toArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** The text of an XML node or JSON value, whichever shape the parser gave it. */
function firstText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (typeof value === 'number') return String(value);
  if (value && typeof value === 'object') {
    const node = value as Record<string, unknown>;
    return firstText(node['#text'] ?? node['@_term'] ?? node['name'] ?? node['@_label']);
  }
  return undefined;
}

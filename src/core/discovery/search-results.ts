// A search engine's result on its way to becoming an article: discovery states the content type and
// the source explicitly, with its reason, and anything it cannot classify goes to quarantine.
import { articleSchema, describeIssues, type Article, type ContentType } from '../../contracts';
import { htmlToText } from '../feeds/safe-text';
import { hostOf } from './autodiscovery';

/** One result, as any provider's adapter reports it. */
export interface SearchResult {
  url: string;
  title: string;
  content: string;
  /** ISO date-time, when the provider knows it. */
  published: string | null;
  /** The provider's kind of result (SearXNG's category, Brave's endpoint): what classification rests on. */
  category: string | null;
  /** Which provider (and engine) found it, for the reason. */
  provider: string;
}

/** The provider categories discovery can vouch for, and the content type each one means. */
const CATEGORY_TYPES: Readonly<Record<string, ContentType>> = { news: 'news', videos: 'video', video: 'video' };

export type SearchVerdict =
  { ok: true; article: Article; classified: string } | { ok: false; reasons: string[]; item: Record<string, unknown> };

/** Source ids of articles a search found start with this. */
export const FOUND_PREFIX = 'found-';

/** The source id discovery files a found article under: the site's host, so readers can mute it. */
export function foundSourceId(url: string): string {
  const host = (hostOf(url) ?? 'unknown').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return `${FOUND_PREFIX}${host}`.slice(0, 64).replace(/-+$/, '');
}

export function classifySearchResult(result: SearchResult, articleId: string, query: string): SearchVerdict {
  const item = {
    link: result.url,
    title: result.title,
    published: result.published,
    category: result.category,
    provider: result.provider,
    query,
  };
  const type = result.category ? CATEGORY_TYPES[result.category.toLowerCase()] : undefined;
  const reasons: string[] = [];
  if (!type)
    reasons.push(
      `content_type: the search result's category (${result.category ?? 'none'}) does not say what it is; discovery only vouches for ${Object.keys(CATEGORY_TYPES).join(', ')} results and never guesses`,
    );
  const parsed = articleSchema.safeParse({
    id: articleId,
    url: result.url,
    title: htmlToText(result.title, 500),
    summary: htmlToText(result.content ?? '', 2000),
    source: foundSourceId(result.url),
    topics: [],
    author: null,
    published_at: result.published ?? undefined,
    content_type: type ?? 'news',
  });
  if (!parsed.success) reasons.push(...describeIssues(parsed.error));
  if (reasons.length > 0 || !parsed.success) return { ok: false, reasons, item };
  return { ok: true, article: parsed.data, classified: `${result.provider} filed it under ${result.category}` };
}

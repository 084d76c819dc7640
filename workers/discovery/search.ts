// Search providers for discovery: one interface, a self-hostable default speaking SearXNG's JSON API
// and a commercial adapter (Brave Search's news endpoint). The provider is a service the operator
// configured, so it is reached directly (it often runs beside Tidings on loopback), with a timeout
// and a size limit; what it returns is treated as strangers' data.
import type { Config } from '../../src/env';
import type { SearchResult } from '../../src/core/discovery/search-results';

export interface SearchOptions {
  /** How recent results should be: SearXNG's time_range, mapped to Brave's freshness. */
  timeRange: 'day' | 'week' | 'month';
  limit: number;
}

export interface SearchProvider {
  readonly name: string;
  search(q: string, options: SearchOptions): Promise<SearchResult[]>;
}

export class SearchError extends Error {
  override name = 'SearchError';
}

const MAX_ANSWER_BYTES = 2_000_000;

/** The configured provider, or null when search is off (none, or SearXNG without SEARCH_URL). */
export function searchProviderFrom(
  config: Pick<Config, 'SEARCH_PROVIDER' | 'SEARCH_URL' | 'BRAVE_SEARCH_API_KEY' | 'FEED_TIMEOUT_MS'>,
): SearchProvider | null {
  if (config.SEARCH_PROVIDER === 'searxng') return config.SEARCH_URL ? searxng(config.SEARCH_URL, config.FEED_TIMEOUT_MS) : null;
  if (config.SEARCH_PROVIDER === 'brave')
    return config.BRAVE_SEARCH_API_KEY
      ? brave(config.SEARCH_URL ?? 'https://api.search.brave.com', config.BRAVE_SEARCH_API_KEY, config.FEED_TIMEOUT_MS)
      : null;
  return null;
}

/** SearXNG: GET /search?q=…&format=json&categories=news&time_range=… (JSON output must be on in settings.yml). */
export function searxng(baseUrl: string, timeoutMs: number): SearchProvider {
  return {
    name: 'searxng',
    async search(q, options) {
      const url = new URL('search', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
      url.search = new URLSearchParams({ q, format: 'json', categories: 'news', time_range: options.timeRange }).toString();
      const data = await getJson(url, {}, timeoutMs, 'SearXNG', (status) =>
        status === 403 ? ' (SearXNG answers 403 when JSON output is off: add json to search.formats in its settings.yml)' : '',
      );
      const results = Array.isArray((data as { results?: unknown }).results) ? (data as { results: unknown[] }).results : [];
      return results.slice(0, options.limit).flatMap((r) => {
        const e = r as Record<string, unknown>;
        if (typeof e['url'] !== 'string') return [];
        return [
          {
            url: e['url'],
            title: typeof e['title'] === 'string' ? e['title'] : '',
            content: typeof e['content'] === 'string' ? e['content'] : '',
            published: isoOrNull(e['publishedDate']),
            category: typeof e['category'] === 'string' ? e['category'] : null,
            provider: `searxng${typeof e['engine'] === 'string' ? ` (${e['engine']})` : ''}`,
          },
        ];
      });
    },
  };
}

const FRESHNESS = { day: 'pd', week: 'pw', month: 'pm' } as const;

/** Brave Search news API: GET /res/v1/news/search?q=…&freshness=pd|pw|pm, token in X-Subscription-Token. */
export function brave(baseUrl: string, apiKey: string, timeoutMs: number): SearchProvider {
  return {
    name: 'brave',
    async search(q, options) {
      const url = new URL('res/v1/news/search', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
      url.search = new URLSearchParams({
        q,
        freshness: FRESHNESS[options.timeRange],
        count: String(Math.min(options.limit, 50)),
      }).toString();
      const data = await getJson(url, { 'x-subscription-token': apiKey }, timeoutMs, 'Brave Search', (status) =>
        status === 401 || status === 403 ? ' (check BRAVE_SEARCH_API_KEY)' : status === 429 ? ' (over the plan’s rate limit)' : '',
      );
      const results = Array.isArray((data as { results?: unknown }).results) ? (data as { results: unknown[] }).results : [];
      return results.slice(0, options.limit).flatMap((r) => {
        const e = r as Record<string, unknown>;
        if (typeof e['url'] !== 'string') return [];
        // Every result of the news endpoint is news: the endpoint itself is the classification.
        return [
          {
            url: e['url'],
            title: typeof e['title'] === 'string' ? e['title'] : '',
            content: typeof e['description'] === 'string' ? e['description'] : '',
            published: isoOrNull(e['page_age']),
            category: 'news',
            provider: 'brave news',
          },
        ];
      });
    },
  };
}

async function getJson(url: URL, headers: Record<string, string>, timeoutMs: number, who: string, hint: (status: number) => string) {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { accept: 'application/json', ...headers },
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw new SearchError(`${who} at ${url.origin} did not answer: ${(error as Error).message}${cause ? ` (${cause})` : ''}`);
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => {});
    throw new SearchError(`${who} answered HTTP ${response.status}${hint(response.status)}`);
  }
  const text = await response.text();
  if (text.length > MAX_ANSWER_BYTES) throw new SearchError(`${who} sent more than ${MAX_ANSWER_BYTES} bytes`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new SearchError(`${who} did not answer with JSON`);
  }
}

function isoOrNull(value: unknown): string | null {
  if (typeof value !== 'string' || !value) return null;
  const t = Date.parse(value.endsWith('Z') || /[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
  return Number.isFinite(t) ? new Date(t).toISOString() : null;
}

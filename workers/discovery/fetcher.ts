// Every fetch discovery makes: through the ingest fetcher (size, time, redirect and address limits),
// counted against DISCOVERY_FETCHES_PER_HOUR, and for pages (not feeds) only where robots.txt allows.
import robotsParser from 'robots-parser';
import type { Config } from '../../src/env';
import { budgetUsed, hourBucket, takeBudget } from '../../src/store/discovery';
import type { Db } from '../../src/store/keys';
import { fetchFeed, fetchPolicyFrom, type FetchLimits, type FetchOutcome } from '../fetch-feed';

/** The name robots.txt rules are matched against (the fetcher's user agent starts with it). */
export const ROBOTS_AGENT = 'Tidings';
/** How long a site's robots.txt is trusted before it is fetched again. */
const ROBOTS_TTL_S = 24 * 3600;

export type Fetched = { ok: true; body: string; url: string } | { ok: false; reason: string; budget?: true };

export interface DiscoveryFetcher {
  /** A feed (or a machine-readable file such as recommendations.json): no robots.txt check. */
  feed(url: string): Promise<Fetched>;
  /** A web page: robots.txt is asked first. */
  page(url: string): Promise<Fetched>;
  /** Fetches made through this fetcher so far. */
  readonly count: number;
}

export type FetcherConfig = Pick<Config, 'FEED_TIMEOUT_MS' | 'FEED_MAX_BYTES' | 'NODE_ENV' | 'FETCH_ALLOW_HOSTS'> &
  Partial<Pick<Config, 'DISCOVERY_FETCHES_PER_HOUR'>>;

export function limitsFrom(config: FetcherConfig): FetchLimits {
  return { timeoutMs: config.FEED_TIMEOUT_MS, maxBytes: config.FEED_MAX_BYTES, addresses: fetchPolicyFrom(config) };
}

/**
 * A fetcher for one discovery round (or one `sources add`, with `perHour` Infinity: an operator's own
 * request is not discovery's to ration).
 */
export function discoveryFetcher(
  db: Db,
  config: FetcherConfig,
  now: () => Date,
  perHour = config.DISCOVERY_FETCHES_PER_HOUR ?? 60,
): DiscoveryFetcher {
  const limits = limitsFrom(config);
  let count = 0;
  const robotsMemo = new Map<string, { isAllowed(url: string, ua?: string): boolean | undefined }>();

  const raw = async (url: string): Promise<Fetched> => {
    if (Number.isFinite(perHour)) {
      const key = db.keys.discoveryFetches(hourBucket(now()));
      if (!(await takeBudget(db, key, perHour, 2 * 3600)))
        return {
          ok: false,
          budget: true,
          reason: `the discovery fetch budget (DISCOVERY_FETCHES_PER_HOUR=${perHour}) is used up for this hour`,
        };
    }
    count++;
    const outcome: FetchOutcome = await fetchFeed(url, { etag: null, last_modified: null }, limits);
    if (outcome.status === 'fetched') return { ok: true, body: outcome.body, url };
    if (outcome.status === 'not_modified') return { ok: false, reason: 'the server answered 304 to a request without validators' };
    return { ok: false, reason: outcome.reason };
  };

  const robotsFor = async (pageUrl: string) => {
    const origin = new URL(pageUrl).origin;
    const memo = robotsMemo.get(origin);
    if (memo) return memo;
    const robotsUrl = `${origin}/robots.txt`;
    let text = await db.redis.get(db.keys.robots(origin));
    if (text === null) {
      const got = await raw(robotsUrl);
      if (!got.ok && got.budget) return null;
      // No robots.txt (or an error answering it) means no rules: the convention every crawler follows.
      text = got.ok ? got.body : '';
      await db.redis.set(db.keys.robots(origin), text, 'EX', ROBOTS_TTL_S);
    }
    const parsed = robotsParser(robotsUrl, text);
    robotsMemo.set(origin, parsed);
    return parsed;
  };

  return {
    get count() {
      return count;
    },
    feed: raw,
    async page(url: string) {
      let robots;
      try {
        robots = await robotsFor(url);
      } catch (error) {
        return { ok: false, reason: `could not read robots.txt: ${error instanceof Error ? error.message : String(error)}` };
      }
      if (robots === null) return { ok: false, budget: true, reason: 'the discovery fetch budget is used up for this hour' };
      if (robots.isAllowed(url, ROBOTS_AGENT) === false)
        return { ok: false, reason: `robots.txt of ${new URL(url).origin} disallows ${url}` };
      return raw(url);
    },
  };
}

export async function fetchesThisHour(db: Db, now: Date): Promise<number> {
  return budgetUsed(db, db.keys.discoveryFetches(hourBucket(now)));
}

// One discovery round: gather candidate sites (links in recent articles, followed sites'
// recommendations, search results), find and sample each one's feed, score it for the readers with
// the ranker's interest function, and keep it as a suggestion; search results become articles when
// discovery can vouch for what they are, and go to quarantine with the reason when it cannot.
import type { Article } from '../../src/contracts';
import type { Config } from '../../src/env';
import { hostOf, outboundLinks, sourceIdFor } from '../../src/core/discovery/autodiscovery';
import { buildSearchQueries } from '../../src/core/discovery/queries';
import { parseRecommendations, recommendationsUrl } from '../../src/core/discovery/recommendations';
import { defaultScoreSettings, scoreSite, type DiscoveryReader, type SamplePost } from '../../src/core/discovery/scoring';
import { classifySearchResult } from '../../src/core/discovery/search-results';
import { articleIdFor, normaliseUrl, type FeedItem } from '../../src/core/feeds/feed-items';
import { htmlToText } from '../../src/core/feeds/safe-text';
import { articleFeatures, buildCorpus, type Corpus } from '../../src/core/interest/article-features';
import { contentTypes, type ContentType } from '../../src/contracts';
import type { Logger } from '../../src/core/logger';
import { quarantineItem, recentArticles, saveNewArticles } from '../../src/store/articles';
import {
  acceptSuggestion,
  dayBucket,
  getSuggestion,
  lastChecked,
  listSuggestions,
  markChecked,
  saveFoundFor,
  saveSuggestion,
  takeBudget,
  type Suggestion,
} from '../../src/store/discovery';
import type { Db } from '../../src/store/keys';
import { listSources } from '../../src/store/sources';
import { discoveryFetcher, type DiscoveryFetcher } from './fetcher';
import { findFeed, type FoundFeed } from './find-feed';
import { discoveryReaders } from './readers';
import type { SearchProvider } from './search';
import type { FeedParser } from '../parse-feed';

/** A candidate site, article page or followed site is looked at again only after this long. */
const RECHECK_MS = 7 * 86_400_000;
/** Article pages read for outbound links per round. */
const LINK_PAGES_PER_ROUND = 10;
/** Candidate sites whose feeds are sampled per round (the fetch budget may stop it sooner). */
const SITES_PER_ROUND = 20;
const RESULTS_PER_QUERY = 20;

export type DiscoveryConfig = Pick<
  Config,
  | 'FEED_TIMEOUT_MS'
  | 'FEED_MAX_BYTES'
  | 'NODE_ENV'
  | 'FETCH_ALLOW_HOSTS'
  | 'DISCOVERY_FETCHES_PER_HOUR'
  | 'SEARCH_DAILY_BUDGET'
  | 'DISCOVERY_AUTO_ACCEPT_SCORE'
  | 'INTEREST_HALF_LIFE_DAYS'
>;

export interface DiscoverDeps {
  db: Db;
  log: Logger;
  now: () => Date;
  config: DiscoveryConfig;
  search: SearchProvider | null;
  /** Where feed documents are read (the workers' parsing threads); inline when left out. */
  parser?: FeedParser;
}

export interface RoundSummary {
  readers: number;
  queries: string[];
  searches: number;
  found_articles: number;
  quarantined: number;
  candidates: number;
  sampled: number;
  suggested: number;
  auto_added: string[];
  fetches: number;
  stopped: string | null;
  problems: string[];
}

export async function discoverRound(deps: DiscoverDeps): Promise<RoundSummary> {
  const { db, log, config } = deps;
  const now = deps.now();
  const nowMs = now.getTime();
  const fetcher = discoveryFetcher(db, config, deps.now);
  const summary: RoundSummary = {
    readers: 0,
    queries: [],
    searches: 0,
    found_articles: 0,
    quarantined: 0,
    candidates: 0,
    sampled: 0,
    suggested: 0,
    auto_added: [],
    fetches: 0,
    stopped: null,
    problems: [],
  };
  const { readers, population } = await discoveryReaders(db, nowMs);
  summary.readers = population;
  const articles = await recentArticles(db, 500);
  const corpus = buildCorpus(articles);
  const sources = await listSources(db);
  const known = new Set(sources.map((s) => hostOf(s.url)).filter((h): h is string => !!h));
  for (const s of await listSuggestions(db)) {
    const h = hostOf(s.url);
    if (h) known.add(h);
  }
  /** Candidate site origin → the page to start from and how it was found. */
  const candidates = new Map<string, { url: string; via: string }>();
  const addCandidate = (url: string, via: string) => {
    const host = hostOf(url);
    if (!host || known.has(host)) return;
    const origin = new URL(url).origin;
    if (!candidates.has(origin)) candidates.set(origin, { url, via });
  };
  const checkedRecently = async (key: string) => {
    const at = await lastChecked(db, key);
    return at !== null && nowMs - at < RECHECK_MS;
  };

  // (a) Links in recent articles to other sites: the article's own page, where robots.txt allows.
  let pages = 0;
  for (const article of articles) {
    if (pages >= LINK_PAGES_PER_ROUND || summary.stopped) break;
    if (article.source.startsWith('found-') || (await checkedRecently(`page:${article.url}`))) continue;
    pages++;
    const got = await fetcher.page(article.url);
    await markChecked(db, `page:${article.url}`, nowMs);
    if (!got.ok) {
      if (got.budget) summary.stopped = got.reason;
      else log.debug({ url: article.url, reason: got.reason }, 'discovery: article page not read');
      continue;
    }
    for (const link of outboundLinks(got.body, article.url)) addCandidate(link, `linked from "${article.title}"`);
  }

  // (b) What the sites Tidings follows recommend (Ghost's /.well-known/recommendations.json).
  for (const source of sources) {
    if (summary.stopped || !/^https?:/.test(source.url)) continue;
    const origin = new URL(source.url).origin;
    if (await checkedRecently(`recs:${origin}`)) continue;
    const got = await fetcher.feed(recommendationsUrl(origin));
    await markChecked(db, `recs:${origin}`, nowMs);
    if (!got.ok) {
      if (got.budget) summary.stopped = got.reason;
      continue;
    }
    for (const r of parseRecommendations(got.body)) addCandidate(r.url, `recommended by ${source.title || source.id}`);
  }

  // (c) Search: queries from what groups of readers share, within the day's budget.
  if (deps.search && config.SEARCH_DAILY_BUDGET > 0) {
    const queries = buildSearchQueries(readers, nowMs, {
      minReaders: 3,
      maxQueries: 10,
      minWeight: 0.5,
      halfLifeDays: config.INTEREST_HALF_LIFE_DAYS,
    });
    const found: Article[] = [];
    const foundFor = new Map<string, string>();
    const seen = new Set<string>();
    for (const query of queries) {
      if (!(await takeBudget(db, db.keys.searchQueries(dayBucket(now)), config.SEARCH_DAILY_BUDGET, 2 * 86_400))) {
        summary.problems.push(`search budget (SEARCH_DAILY_BUDGET=${config.SEARCH_DAILY_BUDGET}) used up for today`);
        break;
      }
      summary.queries.push(query.q);
      let results;
      try {
        results = await deps.search.search(query.q, { timeRange: 'week', limit: RESULTS_PER_QUERY });
        summary.searches++;
      } catch (error) {
        summary.problems.push(error instanceof Error ? error.message : String(error));
        break;
      }
      for (const result of results) {
        const url = normaliseUrl(result.url);
        const id = await articleIdFor(url);
        // The same result comes back for several queries: each is judged once a round.
        if (seen.has(id) || (await db.redis.hexists(db.keys.articles, id))) continue;
        seen.add(id);
        const verdict = classifySearchResult({ ...result, url }, id, query.q);
        if (verdict.ok) {
          found.push(verdict.article);
          foundFor.set(id, query.interest);
          addCandidate(url, `found by a search for "${query.q}"`);
        } else {
          summary.quarantined++;
          await quarantineItem(db, { source: 'discovery', reasons: verdict.reasons, item: verdict.item as never, at: now.toISOString() });
          log.warn({ url, reasons: verdict.reasons }, 'discovery: search result quarantined');
        }
      }
    }
    const stored = await saveNewArticles(db, found);
    await saveFoundFor(db, new Map(stored.map((a) => [a.id, foundFor.get(a.id)!])));
    summary.found_articles = stored.length;
  }

  // Each candidate site: find its feed, sample it, score it for the readers, keep it if anyone would want it.
  summary.candidates = candidates.size;
  let sampled = 0;
  for (const [origin, candidate] of candidates) {
    if (summary.stopped || sampled >= SITES_PER_ROUND) break;
    if (await checkedRecently(`site:${origin}`)) continue;
    sampled++;
    const feed = await findFeed(candidate.url, fetcher, { page: true, parser: deps.parser });
    if (!feed.ok) {
      if (feed.budget) {
        summary.stopped = feed.reason;
        break;
      }
      await markChecked(db, `site:${origin}`, nowMs);
      log.info({ site: origin, reason: feed.reason }, 'discovery: candidate has no usable feed');
      continue;
    }
    await markChecked(db, `site:${origin}`, nowMs);
    summary.sampled++;
    const suggestion = suggestionFor(feed, origin, candidate.via, { readers, population }, corpus, nowMs, config.INTEREST_HALF_LIFE_DAYS);
    if (suggestion.readers === 0 || (await getSuggestion(db, suggestion.url))) continue;
    await saveSuggestion(db, suggestion);
    summary.suggested++;
    const threshold = config.DISCOVERY_AUTO_ACCEPT_SCORE;
    if (threshold !== undefined && suggestion.score >= threshold && suggestion.typed) {
      await acceptSuggestion(db, suggestion, null, now);
      summary.auto_added.push(suggestion.source_id);
    }
  }
  summary.fetches = fetcher.count;
  log.info({ ...summary }, 'discovery round done');
  return summary;
}

/** The sampled posts of a feed, newest first, as safe text. */
export function samplePosts(items: readonly FeedItem[]): { posts: SamplePost[]; typed: boolean } {
  const dated = [...items].sort((a, b) => (Date.parse(b.published ?? '') || 0) - (Date.parse(a.published ?? '') || 0));
  let typed = dated.length > 0;
  const posts = dated.slice(0, 10).map((item) => {
    const type = (contentTypes as readonly string[]).includes(item.content_type ?? '') ? (item.content_type as ContentType) : undefined;
    if (!type) typed = false;
    return {
      title: typeof item.title === 'string' ? String(htmlToText(item.title, 500)) : '',
      summary: typeof item.summary === 'string' ? String(htmlToText(item.summary, 2000)) : '',
      topics: Array.isArray(item.topics) ? item.topics.filter((t): t is string => typeof t === 'string') : [],
      author: typeof item.author === 'string' ? item.author : null,
      ...(type ? { content_type: type } : {}),
    };
  });
  return { posts, typed };
}

export function suggestionFor(
  feed: FoundFeed,
  site: string,
  via: string,
  { readers, population }: { readers: readonly DiscoveryReader[]; population: number },
  corpus: Corpus,
  nowMs: number,
  halfLifeDays: number,
): Suggestion {
  const { posts, typed } = samplePosts(feed.items);
  const sourceId = sourceIdFor(feed.feed_url, { withPort: true });
  const scored = scoreSite(posts, sourceId, readers, corpus, nowMs, { ...defaultScoreSettings, halfLifeDays }, population);
  const features = new Set<string>();
  for (const p of posts)
    for (const key of articleFeatures({ ...p, source: sourceId, content_type: 'post' }, corpus).keys)
      if (key.startsWith('t:') || key.startsWith('w:')) features.add(key);
  return {
    url: site,
    feed_url: feed.feed_url,
    title: feed.title || new URL(site).host,
    score: scored.score,
    readers: scored.readers,
    reason: scored.reason,
    interest: scored.interest,
    features: [...features].slice(0, 60),
    typed,
    found_via: via,
    kind: feed.kind,
    items: feed.items.length,
    newest: feed.newest,
    status: 'open',
    source_id: sourceId,
    at: new Date(nowMs).toISOString(),
  };
}

export type { DiscoveryFetcher };

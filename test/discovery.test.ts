// Discovery against a small local web: feeds found the ways real pages announce them, candidate sites
// from links, recommendations and search, scored for readers with the ranker's interest function;
// search results that fail the article contract quarantined with their reasons; budgets and robots.txt
// honoured; nothing private fetched in production.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Article } from '../src/contracts';
import { buildCorpus, articleFeatures } from '../src/core/interest/article-features';
import { applySignal, defaultInterestSettings, emptyProfile, type Profile } from '../src/core/interest/interest-profile';
import { listQuarantine, recentArticles, saveArticles } from '../src/store/articles';
import { foundFor, listSuggestions } from '../src/store/discovery';
import { saveSource } from '../src/store/sources';
import { getSubscriber } from '../src/store/subscribers';
import { defaultRankSettings } from '../src/core/interest/ranking';
import { rankForSubscriber } from '../workers/briefing/select-articles';
import { discoveryFetcher } from '../workers/discovery/fetcher';
import { findFeed } from '../workers/discovery/find-feed';
import { discoverRound } from '../workers/discovery/round';
import { discoveryReaders } from '../workers/discovery/readers';
import { brave, searxng } from '../workers/discovery/search';
import { createFeedParser } from '../workers/parse-feed';
import { createSubscribers } from './fixtures/subscribers';
import { startLocalWeb, type LocalWeb } from './fixtures/local-web';
import { testEnv, type TestEnv } from './helpers';
import { createServer } from 'node:http';

let web: LocalWeb;
let t: TestEnv | undefined;
const NOW = new Date();
beforeAll(async () => {
  web = await startLocalWeb(NOW);
});
afterAll(async () => {
  await web.close();
});
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

const fetcherFor = (env: TestEnv, perHour = Infinity) => discoveryFetcher(env.db, env.config, () => NOW, perHour);

describe('finding the feed behind a URL', () => {
  it('follows what a page announces (upper-case, relative), rel="feed" in the body, or the feed URL itself', async () => {
    t = testEnv();
    const kube = await findFeed(`${web.kube.origin}/`, fetcherFor(t));
    expect(kube).toMatchObject({
      ok: true,
      feed_url: `${web.kube.origin}/feed.xml`,
      title: 'Kube Weekly',
      kind: 'RSS',
      how: 'announced by the page',
    });
    if (kube.ok) {
      expect(kube.items).toHaveLength(10);
      expect(Date.parse(kube.newest!)).toBeGreaterThan(NOW.getTime() - 86_400_000);
    }
    expect(await findFeed(`${web.rust.origin}/`, fetcherFor(t))).toMatchObject({
      ok: true,
      kind: 'Atom',
      feed_url: `${web.rust.origin}/atom.xml`,
    });
    expect(await findFeed(`${web.kube.origin}/feed.xml`, fetcherFor(t))).toMatchObject({ ok: true, how: 'the URL is a feed' });
  });

  it('skips an announced "feed" that is really HTML and finds the feed at a usual path', async () => {
    t = testEnv();
    expect(await findFeed(`${web.trick.origin}/`, fetcherFor(t))).toMatchObject({
      ok: true,
      feed_url: `${web.trick.origin}/index.xml`,
      how: 'at a usual feed path',
    });
  });

  it('says why when there is no feed: an HTML page, an unreachable port, a host that does not exist', async () => {
    t = testEnv();
    const shop = await findFeed(`${web.shop.origin}/`, fetcherFor(t));
    expect(shop.ok).toBe(false);
    if (!shop.ok) expect(shop.reason).toMatch(/is an HTML page, not a feed: it announces no feed .* none of \/feed \/rss .* serves one/);
    const closed = createServer();
    const port = await new Promise<number>((r) => closed.listen(0, '127.0.0.1', () => r((closed.address() as { port: number }).port)));
    await new Promise((r) => closed.close(r));
    const refused = await findFeed(`http://127.0.0.1:${port}/feed`, fetcherFor(t));
    expect(refused).toMatchObject({ ok: false, reason: expect.stringMatching(/ECONNREFUSED/) });
    const nowhere = await findFeed('http://no-such-host.invalid/feed', fetcherFor(t));
    expect(nowhere).toMatchObject({ ok: false, reason: expect.stringMatching(/ENOTFOUND|EAI_AGAIN/) });
  });

  it('fetches nothing private in production: the page, its robots.txt and its feeds are all refused before connecting', async () => {
    t = testEnv();
    const before = web.kube.hits.length;
    const production = discoveryFetcher(t.db, { ...t.config, NODE_ENV: 'production', FETCH_ALLOW_HOSTS: [] }, () => NOW, Infinity);
    const found = await findFeed(`${web.kube.origin}/`, production);
    expect(found).toMatchObject({ ok: false, reason: expect.stringMatching(/not a public address \(loopback\)/) });
    expect(await production.page(`${web.kube.origin}/posts/1`)).toMatchObject({ ok: false });
    expect(web.kube.hits.length).toBe(before);
  });

  it('honours robots.txt for pages and stops at the hourly budget', async () => {
    t = testEnv();
    const fetcher = fetcherFor(t, 3);
    expect(await fetcher.page(`${web.kube.origin}/private/page`)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/robots\.txt .* disallows/),
    });
    expect(await fetcher.page(`${web.kube.origin}/posts/1`)).toMatchObject({ ok: true });
    await fetcher.feed(`${web.kube.origin}/feed.xml`);
    expect(await fetcher.feed(`${web.kube.origin}/feed.xml`)).toMatchObject({
      ok: false,
      budget: true,
      reason: expect.stringMatching(/DISCOVERY_FETCHES_PER_HOUR=3/),
    });
  });
});

describe('search providers over real HTTP', () => {
  it('speaks SearXNG JSON: news category, time range, results mapped', async () => {
    const results = await searxng(web.searx.origin, 3000).search('kubernetes', { timeRange: 'week', limit: 10 });
    expect(web.searx.hits.at(-1)).toBe('/search?q=kubernetes&format=json&categories=news&time_range=week');
    expect(results[0]).toMatchObject({ category: 'news', provider: 'searxng (bing news)', published: expect.stringMatching(/Z$/) });
  });

  it('speaks Brave Search news: token header, freshness, results as news', async () => {
    const seen: Array<{ url: string; token: string | undefined }> = [];
    const server = createServer((req, res) => {
      seen.push({ url: req.url!, token: req.headers['x-subscription-token'] as string | undefined });
      if (req.headers['x-subscription-token'] !== 'tok') return void res.writeHead(401).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          type: 'news',
          results: [{ url: 'https://n.example/a', title: 'T', description: 'D', page_age: '2026-11-20T08:00:00' }],
        }),
      );
    });
    const port = await new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as { port: number }).port)));
    try {
      const results = await brave(`http://127.0.0.1:${port}`, 'tok', 3000).search('rust', { timeRange: 'day', limit: 5 });
      expect(seen[0]).toEqual({ url: '/res/v1/news/search?q=rust&freshness=pd&count=5', token: 'tok' });
      expect(results).toEqual([
        {
          url: 'https://n.example/a',
          title: 'T',
          content: 'D',
          published: '2026-11-20T08:00:00.000Z',
          category: 'news',
          provider: 'brave news',
        },
      ]);
      await expect(brave(`http://127.0.0.1:${port}`, 'bad', 3000).search('rust', { timeRange: 'day', limit: 5 })).rejects.toThrow(
        /HTTP 401 \(check BRAVE_SEARCH_API_KEY\)/,
      );
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

/** Readers who voted up the wire's kubernetes stories, learned with the real learner. */
async function kubernetesReaders(env: TestEnv, count: number, stories: Article[]): Promise<void> {
  const ids = await createSubscribers(env.db, count);
  const corpus = buildCorpus(stories);
  for (const id of ids) {
    let profile: Profile = emptyProfile(NOW.getTime() - 3600_000);
    for (const a of stories)
      profile = applySignal(
        profile,
        a.id,
        articleFeatures(a, corpus),
        'vote_up',
        NOW.getTime() - 1800_000,
        defaultInterestSettings,
      ).profile;
    await env.db.redis.set(env.db.keys.profile(id), JSON.stringify(profile));
  }
}

describe('a discovery round', () => {
  it('suggests sites from article links and recommendations, scored for the readers, and files search results', async () => {
    t = testEnv({ SEARCH_DAILY_BUDGET: '2' });
    await saveSource(t.db, {
      id: 'wire',
      url: `${web.wire.origin}/feed.xml`,
      title: 'The Wire',
      default_content_type: null,
      added_at: NOW.toISOString(),
    });
    const stories: Article[] = [1, 2].map((i) => ({
      id: `art_wire${i}`,
      url: `${web.wire.origin}/story/${i}`,
      title: `Wire story ${i} about kubernetes clusters`,
      summary: 'Kubernetes operators and clusters',
      source: 'wire',
      topics: ['kubernetes'],
      author: null,
      published_at: new Date(NOW.getTime() - i * 3600_000).toISOString(),
      content_type: 'news',
    }));
    await saveArticles(t.db, stories);
    await kubernetesReaders(t, 4, stories);

    // Feeds are read on a parsing thread, as the workers do.
    const parser = createFeedParser({ threads: 1, budgetMs: 10_000, log: t.log });
    const summary = await discoverRound({
      db: t.db,
      log: t.log,
      now: () => NOW,
      config: t.config,
      search: searxng(web.searx.origin, 3000),
      parser,
    }).finally(() => parser.close());
    expect(summary).toMatchObject({ readers: 4, searches: 2, found_articles: 1 });
    expect(summary.queries[0]).toBe('kubernetes');

    const suggestions = await listSuggestions(t.db);
    const kube = suggestions.find((s) => s.url === web.kube.origin)!;
    expect(kube).toMatchObject({
      feed_url: `${web.kube.origin}/feed.xml`,
      title: 'Kube Weekly',
      readers: 4,
      reason: '4 readers who read about kubernetes would likely open 6 of its last 10 posts',
      interest: 'kubernetes',
      status: 'open',
      typed: true,
    });
    expect(kube.score).toBeCloseTo(4 * 0.6, 5);
    expect(suggestions[0]!.url).toBe(web.kube.origin); // best first
    // Recommended by the wire (Ghost's recommendations.json), sampled, but no reader reads about rust.
    expect(web.rust.hits).toContain('/atom.xml');
    expect(suggestions.some((s) => s.url === web.rust.origin)).toBe(false);
    // The shop has no feed; nothing suggested, and it is not looked at again next round.
    expect(suggestions.some((s) => s.url === web.shop.origin)).toBe(false);

    // Search: the news result is an article found for the readers' interest; the others are quarantined with reasons.
    const found = (await recentArticles(t.db, 50)).find((a) => a.source.startsWith('found-'))!;
    expect(found).toMatchObject({ url: `${web.kube.origin}/posts/3`, content_type: 'news' });
    expect((await foundFor(t.db, [found.id])).get(found.id)).toBe('kubernetes');
    // Ranked like any candidate, with the interest it was found for as its first reason.
    const reader = (await getSubscriber(t.db, 'sub_0000000'))!;
    const ranked = (await rankForSubscriber(t.db, reader, defaultRankSettings, NOW)).ranked.find((r) => r.article.id === found.id);
    expect(ranked?.reasons[0]).toBe('found for your interest in kubernetes');
    const quarantine = await listQuarantine(t.db);
    expect(quarantine.map((q) => q.reasons[0])).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^content_type: the search result's category \(general\) does not say what it is/),
        'published_at must be an ISO 8601 date-time',
      ]),
    );
    expect(quarantine.every((q) => q.source === 'discovery')).toBe(true);

    // A second round fetches almost nothing: every candidate was looked at, and search dedupes what it knows.
    const again = await discoverRound({ db: t.db, log: t.log, now: () => NOW, config: t.config, search: null });
    expect(again.sampled).toBe(0);
    expect(again.suggested).toBe(0);
  });

  it('adds strong suggestions automatically over DISCOVERY_AUTO_ACCEPT_SCORE', async () => {
    t = testEnv({ DISCOVERY_AUTO_ACCEPT_SCORE: '1' });
    await saveSource(t.db, {
      id: 'wire',
      url: `${web.wire.origin}/feed.xml`,
      title: 'The Wire',
      default_content_type: null,
      added_at: NOW.toISOString(),
    });
    const story: Article = {
      id: 'art_wire1',
      url: `${web.wire.origin}/story/1`,
      title: 'Wire story 1 about kubernetes clusters',
      summary: 'Kubernetes operators',
      source: 'wire',
      topics: ['kubernetes'],
      author: null,
      published_at: NOW.toISOString(),
      content_type: 'news',
    };
    await saveArticles(t.db, [story]);
    await kubernetesReaders(t, 3, [story]);
    const summary = await discoverRound({ db: t.db, log: t.log, now: () => NOW, config: t.config, search: null });
    expect(summary.auto_added).toEqual([expect.stringMatching(/feed$/)]);
    expect((await listSuggestions(t.db, 'accepted')).map((s) => s.url)).toEqual([web.kube.origin]);
  });
});

describe("discovery's readers", () => {
  it('are everyone active up to the limit, and beyond it a daily sample that stands for the whole population', async () => {
    const t = testEnv();
    try {
      const ids = await createSubscribers(t.db, 600);
      const day = Date.parse('2026-11-23T06:00:00Z');
      const everyone = await discoveryReaders(t.db, day, 1_000);
      expect(everyone).toMatchObject({ population: 600 });
      expect(everyone.readers).toHaveLength(600);

      const sampled = await discoveryReaders(t.db, day, 200); // one in three
      expect(sampled.readers.length).toBeGreaterThan(140);
      expect(sampled.readers.length).toBeLessThan(260);
      expect(sampled.population).toBe(sampled.readers.length * 3);
      // The same day gives the same sample; another day another one.
      expect((await discoveryReaders(t.db, day, 200)).readers).toEqual(sampled.readers);
      const nextDay = await discoveryReaders(t.db, day + 86_400_000, 200);
      expect(nextDay.readers).not.toEqual(sampled.readers);
      expect(ids).toHaveLength(600);
    } finally {
      await t.cleanup();
    }
  });
});

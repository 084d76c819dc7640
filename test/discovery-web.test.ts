// Discovery on the web: the reader's search (ordered by the ranker), suggestions on the home page and
// following one (a per-reader boost), and the operator's accept/dismiss on /ops.
import { afterEach, describe, expect, it } from 'vitest';
import type { Article } from '../src/contracts';
import { articleFeatures, buildCorpus } from '../src/core/interest/article-features';
import { applySignal, defaultInterestSettings, emptyProfile } from '../src/core/interest/interest-profile';
import { saveArticles } from '../src/store/articles';
import { followedSources, getSuggestion, saveSuggestion, type Suggestion } from '../src/store/discovery';
import { addReaderBriefing } from '../src/store/reader-briefings';
import { getSource } from '../src/store/sources';
import { ensureSubscriber } from '../src/store/subscribers';
import { rankForSubscriber } from '../workers/briefing/select-articles';
import { defaultRankSettings } from '../src/core/interest/ranking';
import { testApp, testEnv, type TestEnv } from './helpers';
import { readerCookie } from './reader-helpers';

let t: TestEnv;
afterEach(() => t.cleanup());

const at = (h: number) => new Date(Date.now() - h * 3600_000).toISOString();
const article = (id: string, title: string, topics: string[], source = 'wire', hoursAgo = 1): Article => ({
  id,
  url: `https://news.example/${id}`,
  title,
  summary: '',
  source,
  topics,
  author: null,
  published_at: at(hoursAgo),
  content_type: 'news',
});

const suggestion = (over: Partial<Suggestion>): Suggestion => ({
  url: 'https://kube.example',
  feed_url: 'https://kube.example/feed.xml',
  title: 'Kube Weekly',
  score: 2.4,
  readers: 4,
  reason: '4 readers who read about kubernetes would likely open 6 of its last 10 posts',
  interest: 'kubernetes',
  features: ['t:kubernetes', 'w:operators'],
  typed: true,
  found_via: 'linked from "Wire story"',
  kind: 'RSS',
  items: 10,
  newest: null,
  status: 'open',
  source_id: 'kube-weekly',
  at: new Date().toISOString(),
  ...over,
});

async function signedInReader(topics: string[]) {
  const { subscriber } = await ensureSubscriber(t.db, { email: 'reader@example.com', topics }, new Date());
  const tx = t.db.redis.multi();
  addReaderBriefing(tx, t.db, subscriber.id, { edition: 'e1', sent_at: Date.now() - 3600_000, items: [{ id: 'art_k1', reasons: [] }] });
  await tx.exec();
  return { subscriber, cookie: await readerCookie(t.db, t.config.SESSION_SECRET, 'reader@example.com') };
}

function post(app: ReturnType<typeof testApp>['app'], path: string, fields: Record<string, string>, cookie: string) {
  return app.request(path, {
    method: 'POST',
    body: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: t.config.PUBLIC_BASE_URL, cookie },
    redirect: 'manual',
  });
}

describe("the reader's search", () => {
  it('finds archive articles by their words, old and already-sent ones too, ordered for the reader by the ranker', async () => {
    t = testEnv();
    const { app } = testApp(t);
    const articles = [
      article('art_k1', 'Kubernetes operators explained', ['kubernetes'], 'wire', 400),
      article('art_k2', 'Kubernetes pricing news', ['business'], 'wire', 300),
      article('art_k3', 'Kubernetes for cooks', ['cooking'], 'other', 350),
      article('art_x', 'Cast iron care', ['cooking']),
    ];
    await saveArticles(t.db, articles);
    const { subscriber, cookie } = await signedInReader([]);
    // The reader has voted up kubernetes operators posts: the ranker puts what they like first.
    const corpus = buildCorpus(articles);
    let profile = emptyProfile(Date.now() - 1000);
    for (const liked of [1, 2, 3].map((i) => article(`art_old${i}`, `Kubernetes operators at scale, part ${i}`, ['kubernetes'], 'blog')))
      profile = applySignal(profile, liked.id, articleFeatures(liked, corpus), 'vote_up', Date.now(), defaultInterestSettings).profile;
    await t.db.redis.set(t.db.keys.profile(subscriber.id), JSON.stringify(profile));

    const page = await (await app.request('/search?q=Kubernetes', { headers: { cookie } })).text();
    const order = [...page.matchAll(/href="https:\/\/news\.example\/(art_\w+)"/g)].map((m) => m[1]);
    expect(order[0]).toBe('art_k1'); // 400 hours old and already sent, still found, and first for this reader
    expect(order.sort()).toEqual(['art_k1', 'art_k2', 'art_k3']);
    expect(page).toContain('because you read about');
    expect(await (await app.request('/search?q=the', { headers: { cookie } })).text()).toContain('Type a word or two');
    expect((await app.request('/search?q=x', { redirect: 'manual' })).status).toBe(303);
  });
});

describe('suggested sources for readers', () => {
  it('shows a reader the suggestions that fit them, lets them follow one, and boosts that source for them only', async () => {
    t = testEnv();
    const { app } = testApp(t);
    await saveArticles(t.db, [article('art_k1', 'Kubernetes operators explained', ['kubernetes'])]);
    await saveSuggestion(t.db, suggestion({}));
    await saveSuggestion(
      t.db,
      suggestion({ url: 'https://bread.example', title: 'Bread Daily', features: ['t:baking'], source_id: 'bread' }),
    );
    const { subscriber, cookie } = await signedInReader(['kubernetes']);
    const home = await (await app.request('/', { headers: { cookie } })).text();
    expect(home).toContain('Sources you might like');
    expect(home).toContain('Kube Weekly');
    expect(home).not.toContain('Bread Daily');
    expect(home).toContain('role="search"');

    const followed = await post(app, '/suggestions/follow', { url: 'https://kube.example' }, cookie);
    expect(followed.status).toBe(303);
    expect(await followedSources(t.db, subscriber.id)).toEqual(new Set(['kube-weekly']));
    const after = await (await app.request(followed.headers.get('location')!, { headers: { cookie } })).text();
    expect(after).toContain('You follow Kube Weekly');
    expect(after).not.toContain('value="https://kube.example"');

    // The boost: of two equally fresh, equally matching articles, the followed source's (art_b) comes first.
    await saveArticles(t.db, [
      article('art_a', 'Operators in the field', ['kubernetes'], 'wire', 5),
      article('art_b', 'Operators at scale', ['kubernetes'], 'kube-weekly', 5),
    ]);
    const ranked = (await rankForSubscriber(t.db, subscriber, defaultRankSettings, new Date())).ranked.map((r) => r.article.id);
    expect(ranked.indexOf('art_b')).toBeLessThan(ranked.indexOf('art_a')); // the id order alone would put art_a first
  });

  it('refuses a follow from another site', async () => {
    t = testEnv();
    const { app } = testApp(t);
    await saveSuggestion(t.db, suggestion({}));
    const { subscriber, cookie } = await signedInReader(['kubernetes']);
    const response = await app.request('/suggestions/follow', {
      method: 'POST',
      body: 'url=https%3A%2F%2Fkube.example',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example', cookie },
    });
    expect(response.status).toBe(403);
    expect((await followedSources(t.db, subscriber.id)).size).toBe(0);
  });
});

describe('suggestions on /ops', () => {
  it('lists them with reasons, accepts one as a source and dismisses another', async () => {
    t = testEnv();
    const { app } = testApp(t);
    await saveSuggestion(t.db, suggestion({}));
    await saveSuggestion(t.db, suggestion({ url: 'https://bread.example', title: 'Bread Daily', score: 0.5, source_id: 'bread' }));
    const login = await app.request('/ops/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: t.config.PUBLIC_BASE_URL },
      body: new URLSearchParams({ token: t.config.OPERATOR_TOKEN, next: '/ops' }).toString(),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const page = await (await app.request('/ops', { headers: { cookie } })).text();
    expect(page).toContain('Suggested sources');
    expect(page).toContain('4 readers who read about kubernetes would likely open 6 of its last 10 posts');
    expect((await post(app, '/ops/suggestions/accept', { url: 'https://kube.example' }, cookie)).status).toBe(303);
    expect(await getSource(t.db, 'kube-weekly')).toMatchObject({ url: 'https://kube.example/feed.xml', title: 'Kube Weekly' });
    await post(app, '/ops/suggestions/dismiss', { url: 'https://bread.example' }, cookie);
    expect((await getSuggestion(t.db, 'https://bread.example'))!.status).toBe('dismissed');
    const api = await app.request('/ops/api/suggestions', { headers: { authorization: `Bearer ${t.config.OPERATOR_TOKEN}` } });
    expect(await api.json()).toEqual({ suggestions: [] });
    expect((await app.request('/ops/api/suggestions')).status).toBe(401);
    expect((await app.request('/ops/api/suggestions', { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await post(app, '/ops/suggestions/accept', { url: 'https://bread.example' }, '')).status).toBe(303);
    expect(await getSource(t.db, 'bread')).toBeNull();
  });
});

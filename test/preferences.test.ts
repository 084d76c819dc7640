// The reader's preferences page on the real app and Redis: what was learned, and corrections that
// apply at the next briefing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Subscriber } from '../src/contracts';
import { articleFeatures, buildCorpus } from '../src/core/interest/article-features';
import { applySignal, emptyProfile } from '../src/core/interest/interest-profile';
import type { LinkKind } from '../src/core/links/links';
import { saveArticles } from '../src/store/articles';
import { getPrefs } from '../src/store/interest';
import { saveSource } from '../src/store/sources';
import { ensureSubscriber, getSubscriber } from '../src/store/subscribers';
import { selectArticles } from '../workers/briefing/select-articles';
import { topicArticle } from './fixtures/topic-article';
import { testApp, testEnv, type TestEnv } from './helpers';

let t: TestEnv;
let subscriber: Subscriber;
const NOW = new Date('2026-11-20T12:00:00Z');

const articles = [
  topicArticle('r1', 'rust', 'field-notes'),
  topicArticle('r2', 'rust', 'field-notes'),
  topicArticle('g1', 'gardening', 'the-wire'),
  topicArticle('c1', 'cooking', 'kitchen'),
];

beforeEach(async () => {
  t = testEnv();
  subscriber = (await ensureSubscriber(t.db, { email: 'reader@example.com', topics: ['cooking', 'gardening'] }, NOW)).subscriber;
  await saveArticles(t.db, articles);
  await saveSource(t.db, {
    id: 'field-notes',
    url: 'sample:field-notes.atom',
    title: 'Field Notes on Reading',
    default_content_type: null,
    added_at: NOW.toISOString(),
  });
  const corpus = buildCorpus(articles);
  let profile = emptyProfile();
  for (const a of [articles[0]!, articles[1]!])
    profile = applySignal(profile, a.id, articleFeatures(a, corpus), 'click', NOW.getTime() - 3600_000, {
      halfLifeDays: 21,
      maxFeatures: 256,
    }).profile;
  await t.db.redis.set(t.db.keys.profile(subscriber.id), JSON.stringify(profile));
});
afterEach(() => t.cleanup());

const token = (kind: LinkKind = 'preferences', who = subscriber.id) =>
  t.signer.sign({
    url: `${t.config.PUBLIC_BASE_URL}/preferences`,
    subscriber: who,
    edition: 'ed-1',
    article: null,
    position: null,
    kind,
    sent_at: null,
  });

const post = (
  app: ReturnType<typeof testApp>['app'],
  path: string,
  body: Record<string, string>,
  origin: string | null = t.config.PUBLIC_BASE_URL,
) =>
  app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(origin ? { origin } : {}) },
    body: new URLSearchParams(body).toString(),
  });

describe('the preferences page', () => {
  it('shows the topics a reader follows and what Tidings learned, without any script', async () => {
    const { app } = testApp(t);
    const response = await app.request(`/preferences/${await token()}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    const html = await response.text();
    expect(html).toContain('reader@example.com');
    expect(html).toMatch(/Topics you follow[\s\S]*cooking[\s\S]*gardening/);
    expect(html).toMatch(/Topics you seem to like[\s\S]*rust/);
    expect(html).toMatch(/Sources you read most[\s\S]*Field Notes on Reading/);
    expect(html).toContain('Built from what you opened, bookmarked and voted on in your briefings, and what you passed over (2 in all).');
    expect(html).not.toContain('<script');
  });

  it('after briefings nobody opened, says nothing was learned yet and calls nothing disliked', async () => {
    const corpus = buildCorpus(articles);
    let profile = emptyProfile();
    for (const a of articles)
      profile = applySignal(profile, a.id, articleFeatures(a, corpus), 'delivered', NOW.getTime() - 3600_000, {
        halfLifeDays: 21,
        maxFeatures: 256,
      }).profile;
    await t.db.redis.set(t.db.keys.profile(subscriber.id), JSON.stringify(profile));
    const html = await (await testApp(t).app.request(`/preferences/${await token()}`)).text();
    expect(html).toContain('Nothing learned from you yet');
    expect(html).not.toContain('You seem less interested in');
    expect(html).toContain('Nothing learned yet: open a few articles from your briefings.');
  });

  it('refuses a link that is not a valid preferences link, saying what to do', async () => {
    const { app } = testApp(t);
    const altered = (await token()).slice(0, -3) + 'AAA';
    for (const path of [`/preferences/${altered}`, `/preferences/${await token('article')}`]) {
      const response = await app.request(path);
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('Open the preferences link at the bottom of your latest briefing');
    }
    const gone = await app.request(`/preferences/${await token('preferences', 'sub_gone')}`);
    expect(gone.status).toBe(404);
  });

  it('refuses a form post from another site (CSRF) and changes nothing', async () => {
    const { app } = testApp(t);
    const response = await post(app, `/preferences/${await token()}/topics/drop`, { topic: 'cooking' }, 'https://evil.example');
    expect(response.status).toBe(403);
    expect((await getSubscriber(t.db, subscriber.id))!.topics).toEqual(['cooking', 'gardening']);
  });

  it('drops a topic and mutes a source, and the next briefing leaves them out', async () => {
    const { app } = testApp(t);
    const tok = await token();
    const before = await selectArticles(t.db, subscriber, 10, { now: NOW });
    expect(before.ranked.map((r) => r.article.id).sort()).toEqual(['c1', 'g1', 'r1', 'r2']);

    const dropped = await post(app, `/preferences/${tok}/topics/drop`, { topic: 'Gardening' });
    expect(dropped.status).toBe(303);
    const page = await app.request(dropped.headers.get('location')!);
    expect(await page.text()).toContain('Dropped &quot;gardening&quot;: articles about it stay out of your briefings.');
    expect((await post(app, `/preferences/${tok}/sources/mute`, { source: 'field-notes' })).status).toBe(303);

    const reader = (await getSubscriber(t.db, subscriber.id))!;
    expect(reader.topics).toEqual(['cooking']);
    expect(await getPrefs(t.db, subscriber.id)).toEqual({ muted_sources: ['field-notes'], muted_topics: ['gardening'] });
    const after = await selectArticles(t.db, reader, 10, { now: NOW });
    expect(after.ranked.map((r) => r.article.id)).toEqual(['c1']);

    // Undo brings them back.
    await post(app, `/preferences/${tok}/topics/restore`, { topic: 'gardening' });
    await post(app, `/preferences/${tok}/sources/unmute`, { source: 'field-notes' });
    expect((await selectArticles(t.db, reader, 10, { now: NOW })).ranked.map((r) => r.article.id).sort()).toEqual(['c1', 'g1', 'r1', 'r2']);
  });

  it('refuses a value it cannot use, naming the field', async () => {
    const { app } = testApp(t);
    const response = await post(app, `/preferences/${await token()}/topics/follow`, { topic: '<script>' });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('A topic is 1 to 60 letters');
  });
});

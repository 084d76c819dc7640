// What a reader sees in a composed briefing email: the words, the footer, and what each part repeats or not.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { articleSchema, type Article } from '../src/contracts';
import { saveArticles } from '../src/store/articles';
import { saveSource } from '../src/store/sources';
import { ensureSubscriber } from '../src/store/subscribers';
import { briefingContent, composeBriefing } from '../workers/briefing/compose-briefing';
import { naiveBriefingRenderer } from '../emails/fast-briefing';
import { recentEvents } from '../src/store/events';
import { browserAgent, linksApp } from './links-helpers';
import { testEnv, type TestEnv } from './helpers';
import { Redis } from 'ioredis';
import { createApp } from '../src/app';
import { createBufferedRecorder } from '../src/recording/buffered-recorder';
import { briefingHandle, signCompact } from '../src/core/links/compact-links';
import { freePort } from '../node/free-port';

let t: TestEnv;
beforeEach(() => {
  t = testEnv();
});
afterEach(() => t.cleanup());

/** Every anchor: its href and its text. */
const anchors = (html: string) =>
  [...html.matchAll(/<a [^>]*href="([^"]+)"[^>]*>(.*?)<\/a>/gs)].map((m) => ({ href: m[1]!.replace(/&amp;/g, '&'), text: m[2]! }));
const hoursAgo = (now: Date, h: number) => new Date(now.getTime() - h * 3600_000).toISOString();
const article = (id: string, published_at: string, overrides: Partial<Article> = {}) =>
  articleSchema.parse({
    id,
    url: `https://news.example/${id}`,
    title: `Article ${id} on its own subject`,
    source: 'news',
    published_at,
    content_type: 'post',
    ...overrides,
  });

describe('the briefing email', () => {
  it('never says "new since your last briefing" in a reader\'s first briefing', async () => {
    const now = t.now();
    // Two days old and unremarkable: nothing but the fallback reason applies to the older one.
    await saveArticles(t.db, [
      article('fresh', hoursAgo(now, 1)),
      article('older', hoursAgo(now, 48), { title: 'Quiet piece about gardening' }),
    ]);
    const { subscriber } = await ensureSubscriber(t.db, { email: 'first@example.com' }, now);
    const { email } = (await composeBriefing({ config: t.config, db: t.db, signer: t.signer }, subscriber, 'ed_first', now))!;
    expect(email.html).toContain('Quiet piece about gardening');
    expect(email.html).not.toContain('new since your last briefing');
    expect(email.text).not.toContain('new since your last briefing');
  });

  it('never repeats a listed article, or one sent before, as the "Latest post"', async () => {
    const now = t.now();
    await saveArticles(t.db, [
      article('newest', hoursAgo(now, 1)),
      article('second', hoursAgo(now, 2)),
      article('earlier', hoursAgo(now, 30), { content_type: 'news' }),
    ]);
    const { subscriber } = await ensureSubscriber(t.db, { email: 'reader@example.com' }, now);
    const deps = { config: { ...t.config, BRIEFING_SIZE: 2 }, db: t.db, signer: t.signer };

    // Both posts are listed: there is no other post to point at, so no footer rather than a repeat.
    const both = (await briefingContent(deps, subscriber, 'ed_1', now))!;
    expect(both.articleIds.sort()).toEqual(['newest', 'second']);
    expect(both.props.latestPost).toBeNull();

    // One post listed: the footer names the other one.
    const one = (await briefingContent({ ...deps, config: { ...t.config, BRIEFING_SIZE: 1 } }, subscriber, 'ed_2', now))!;
    const listed = one.articleIds[0]!;
    expect(one.props.latestPost?.title).toBeDefined();
    expect(one.props.latestPost!.title).not.toBe(one.props.items[0]!.title);

    // A post sent in an earlier briefing is not brought back in the footer either.
    await t.db.redis.sadd(t.db.keys.sentArticles(subscriber.id), ...['newest', 'second'].filter((id) => id !== listed));
    const later = (await briefingContent(deps, subscriber, 'ed_3', now))!;
    expect(later.props.latestPost).toBeNull();
  });

  it('stays under 90 KB of HTML for the largest briefing Tidings can produce (Gmail clips at about 102 KB)', async () => {
    const now = t.now();
    // The article contract's limits: titles of 500 characters, summaries of 5,000, in the characters that cost the
    // most once escaped or encoded (&, quotes, angle brackets, accents, emoji); sources with long names; long URLs.
    // Words of their own per article, so no two are near-duplicates of one story.
    const costly = (i: number, n: number) => `Tom${i} & Jerry${i}'s "queues${i}" <fast${i}> café${i} — ☕ `.repeat(n).slice(0, n).trim();
    const sourceIds = ['wire', 'notes', 'digest'];
    for (const id of sourceIds)
      await saveSource(t.db, {
        id,
        url: `https://${id}.example/feed.xml`,
        title: `${id} `.padEnd(200, 'é'),
        default_content_type: null,
        added_at: now.toISOString(),
      });
    const articles = Array.from({ length: 10 }, (_, i) =>
      article(`max${i}`, hoursAgo(now, i), {
        url: `https://news.example/${i}/${'long-path-segment/'.repeat(8)}?utm_campaign=x&ref=${'q'.repeat(60)}&page=${i}`,
        title: costly(i, 500),
        summary: costly(i, 5000),
        author: 'A'.repeat(200),
        source: sourceIds[i % 3]!,
        topics: [`topic-${i}`, ...Array.from({ length: 49 }, (_, k) => `also-${k}`)],
      }),
    );
    expect(articles.every((a) => a.title.length >= 490 && a.summary.length >= 4990)).toBe(true);
    await saveArticles(t.db, articles);
    const { subscriber } = await ensureSubscriber(t.db, { email: 'largest@example.com' }, now);
    const { email, articleIds } = (await composeBriefing({ config: t.config, db: t.db, signer: t.signer }, subscriber, 'ed_largest', now))!;
    expect(articleIds).toHaveLength(10);
    const htmlBytes = new TextEncoder().encode(email.html).length;
    const textBytes = new TextEncoder().encode(email.text).length;
    console.log(
      JSON.stringify({
        largest_briefing_html_kb: +(htmlBytes / 1024).toFixed(1),
        largest_briefing_text_kb: +(textBytes / 1024).toFixed(1),
      }),
    );
    expect(htmlBytes).toBeLessThan(90 * 1024);
  });

  it('shows that very email at its "View in browser" link, without signing in, and refuses an altered link', async () => {
    const now = new Date(t.now().getTime() - 3600_000);
    await saveArticles(t.db, [
      article('a1', hoursAgo(now, 1), { title: 'Queues & you' }),
      article('a2', hoursAgo(now, 3), { title: 'Feeds without trust' }),
    ]);
    const { subscriber } = await ensureSubscriber(t.db, { email: 'viewer@example.com' }, now);
    const deps = { config: t.config, db: t.db, signer: t.signer };
    const { email } = (await composeBriefing(deps, subscriber, 'ed_view', now))!;
    const view = anchors(email.html).find((a) => a.text === 'View in browser')!;
    expect(view.href).toMatch(new RegExp(`^${t.config.PUBLIC_BASE_URL}/v/[\\w-]+\\.[\\w-]{12}\\.v\\.[\\w-]{22}$`));

    const { app } = linksApp(t);
    const path = view.href.slice(t.config.PUBLIC_BASE_URL.length);
    const page = await app.request(path, { headers: { 'user-agent': browserAgent } });
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('private, no-store');
    // Byte for byte the email as sent, but for its own "View in browser" line.
    const { props } = (await briefingContent(deps, subscriber, 'ed_view', now))!;
    expect(await page.text()).toBe((await naiveBriefingRenderer.render({ ...props, viewHref: undefined })).html);
    expect(anchors((await naiveBriefingRenderer.render(props)).html).map((a) => a.href)).toEqual(anchors(email.html).map((a) => a.href));

    const altered = path.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expect((await app.request(altered)).status).toBe(400);
    await t.db.redis.del(...(await t.db.redis.keys(`${t.config.REDIS_PREFIX}briefing:*`)));
    const gone = await app.request(path);
    expect(gone.status).toBe(410);
    expect(await gone.text()).toContain('30 days');
  });

  it('gives the text part one short link per article that lands on the article and counts as a click', async () => {
    const now = new Date(t.now().getTime() - 3600_000);
    await saveArticles(t.db, [
      article('a1', hoursAgo(now, 1)),
      article('a2', hoursAgo(now, 3)),
      article('old-post', hoursAgo(now, 40), { title: 'An older post' }),
    ]);
    const { subscriber } = await ensureSubscriber(t.db, { email: 'texter@example.com' }, now);
    const { email } = (await composeBriefing(
      { config: { ...t.config, BRIEFING_SIZE: 2 }, db: t.db, signer: t.signer },
      subscriber,
      'ed_text',
      now,
    ))!;
    const urls = email.text.match(/https?:\/\/\S+/g)!;
    const base = t.config.PUBLIC_BASE_URL;
    // A heading link, two articles, the latest post, preferences and unsubscribe: all short, no action links.
    expect(urls).toHaveLength(6);
    for (const url of urls) expect(url.length).toBeLessThan(base.length + 50);
    expect(email.text).not.toMatch(/\/a\/|\/c\/t1\./);

    const { app, recorder } = linksApp(t);
    const follow = (url: string) => app.request(url.slice(base.length), { headers: { 'user-agent': browserAgent } });
    const [first] = urls.filter((u) => u.includes('/l/'));
    const click = await follow(first!);
    expect(click.status).toBe(302);
    expect(click.headers.get('location')).toBe('https://news.example/a1');
    expect(click.headers.get('cache-control')).toBe('private, no-store');
    await recorder.flush();
    const events = await recentEvents(t.db);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'click',
      subscriber_id: subscriber.id,
      edition_id: 'ed_text',
      article_id: 'a1',
      position: 0,
      kind: 'article',
      url: 'https://news.example/a1',
    });

    const lines = email.text.split('\n');
    const latest = await follow(lines[lines.findIndex((l) => l.startsWith('Latest post: An older post')) + 1]!);
    expect(latest.headers.get('location')).toBe('https://news.example/old-post');
    const preferences = await follow(urls.at(-2)!);
    expect(preferences.headers.get('location')).toMatch(new RegExp(`^${base}/preferences/t1\\.`));
    const unsubscribe = await follow(urls.at(-1)!);
    expect(unsubscribe.headers.get('location')).toBe(/^<(.+)>$/.exec(email.headers['List-Unsubscribe']!)![1]);
  });

  it('says what to do when storage does not answer, rather than failing blank', async () => {
    const broken = new Redis({
      host: '127.0.0.1',
      port: await freePort(),
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    try {
      const app = createApp({
        config: t.config,
        db: { redis: broken, keys: t.db.keys },
        signer: t.signer,
        recorder: createBufferedRecorder({ store: async () => {}, log: t.log }),
        log: t.log,
        now: t.now,
      });
      const handle = await briefingHandle('ed_down', 'sub_down');
      for (const path of [
        `/l/${await signCompact(t.signer, { handle, slot: { kind: 'article', position: 0 } })}`,
        `/v/${await signCompact(t.signer, { handle, slot: { kind: 'view' } })}`,
      ]) {
        const response = await app.request(path);
        expect(response.status).toBe(503);
        expect(await response.text()).toContain('full (HTML) version keep working');
      }
    } finally {
      broken.disconnect();
    }
  });
});

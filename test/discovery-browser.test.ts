// Real Chromium on discovery's pages: a reader searches from the home page and follows a suggested
// source; an operator accepts a suggestion on /ops. Screenshots at phone and desktop sizes go to
// test-artifacts/discovery/.
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Article } from '../src/contracts';
import { saveArticles } from '../src/store/articles';
import { followedSources, getSuggestion, saveSuggestion, type Suggestion } from '../src/store/discovery';
import { addReaderBriefing } from '../src/store/reader-briefings';
import { ensureSubscriber } from '../src/store/subscribers';
import { testApp, testEnv, type TestEnv } from './helpers';
import { readerCookie } from './reader-helpers';

const SHOTS = new URL('../test-artifacts/discovery/', import.meta.url).pathname;
let t: TestEnv;
let server: ServerType;
let base = '';
let browser: Browser;

const article = (i: number, title: string, topics: string[]): Article => ({
  id: `art_b${i}`,
  url: `https://news.example/b${i}`,
  title,
  summary: `${title}: what changed and why it matters.`,
  source: 'wire',
  topics,
  author: null,
  published_at: new Date(Date.now() - i * 3600_000).toISOString(),
  content_type: 'news',
});

const suggestion = (over: Partial<Suggestion>): Suggestion => ({
  url: 'https://kube.example',
  feed_url: 'https://kube.example/feed.xml',
  title: 'Kube Weekly',
  score: 2.4,
  readers: 31,
  reason: '31 readers who read about kubernetes would likely open 4 of its last 10 posts',
  interest: 'kubernetes',
  features: ['t:kubernetes'],
  typed: true,
  found_via: 'linked from "Operators at scale"',
  kind: 'RSS',
  items: 10,
  newest: null,
  status: 'open',
  source_id: 'kube-weekly',
  at: new Date().toISOString(),
  ...over,
});

let cookie = '';
let subscriberId = '';
beforeAll(async () => {
  t = testEnv();
  const { app } = testApp(t);
  server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((r) => server.once('listening', () => r()));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const articles = [
    article(1, 'Kubernetes operators at scale', ['kubernetes']),
    article(2, 'Rust 2027 edition plans', ['rust']),
    article(3, 'Kubernetes pricing changes', ['kubernetes', 'business']),
  ];
  await saveArticles(t.db, articles);
  const { subscriber } = await ensureSubscriber(t.db, { email: 'reader@example.com', topics: ['kubernetes'] }, new Date());
  subscriberId = subscriber.id;
  const tx = t.db.redis.multi();
  addReaderBriefing(tx, t.db, subscriber.id, {
    edition: 'e1',
    sent_at: Date.now() - 3600_000,
    items: articles.map((a) => ({ id: a.id, reasons: ['you follow kubernetes'] })),
  });
  await tx.exec();
  await saveSuggestion(t.db, suggestion({}));
  await saveSuggestion(
    t.db,
    suggestion({
      url: 'https://clusters.example',
      title: 'Cluster Notes',
      score: 1.1,
      readers: 12,
      reason: '12 readers who read about kubernetes would likely open 3 of its last 10 posts',
      source_id: 'cluster-notes',
    }),
  );
  cookie = await readerCookie(t.db, t.config.SESSION_SECRET, 'reader@example.com');
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
});
afterAll(async () => {
  await browser?.close();
  server?.close();
  await t.cleanup();
});

describe('discovery in a real browser', () => {
  it('lets a reader search from the home page and follow a suggested source', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const [name, value] = cookie.split('=') as [string, string];
    await context.addCookies([{ name, value, url: base }]);
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await expect(page.getByRole('heading', { name: 'Sources you might like' }).isVisible()).resolves.toBe(true);
    await page.screenshot({ path: `${SHOTS}home-390.png`, fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.screenshot({ path: `${SHOTS}home-1280.png`, fullPage: true });

    await page.getByLabel('Search your articles').fill('kubernetes');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/\/search\?q=kubernetes/);
    expect(await page.locator('ol.articles li').count()).toBe(2);
    await page.screenshot({ path: `${SHOTS}search-1280.png`, fullPage: true });

    await page.goto(`${base}/`);
    await page.getByRole('button', { name: 'Follow' }).first().click();
    await page.waitForURL(/followed=/);
    expect(await page.getByRole('status').textContent()).toContain('You follow Kube Weekly');
    expect(await followedSources(t.db, subscriberId)).toEqual(new Set(['kube-weekly']));
    await context.close();
  });

  it('lets an operator accept a suggestion on /ops', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${base}/ops/login`);
    await page.locator('input[name=token]').fill(t.config.OPERATOR_TOKEN);
    await page.locator('input[name=token]').press('Enter');
    await page.waitForURL(`${base}/ops`);
    const section = page.locator('#suggestions');
    expect(await section.textContent()).toContain('31 readers who read about kubernetes would likely open 4 of its last 10 posts');
    await section.screenshot({ path: `${SHOTS}ops-suggestions-1280.png` });
    await page.setViewportSize({ width: 390, height: 844 });
    await section.screenshot({ path: `${SHOTS}ops-suggestions-390.png` });
    await section.getByRole('button', { name: 'Accept' }).first().click();
    await page.waitForURL(/\/ops/);
    expect((await getSuggestion(t.db, 'https://kube.example'))!.status).toBe('accepted');
    await context.close();
  });
});

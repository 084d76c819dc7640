// Real Chromium on the operator dashboard: sign in with the token the start banner printed, read the charts,
// follow edition → article → source, find a bounced reader, and nothing spills sideways at 390 px.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readerEventSchema, resendWebhookSchema } from '../src/contracts';
import { recentArticles } from '../src/store/articles';
import { claimDeliveries, finishDeliveries, markPlanningDone, registerEdition } from '../src/store/deliveries';
import { appendEvents } from '../src/store/events';
import { handleWebhookEvent } from '../src/store/webhook-events';
import { freePort } from '../node/free-port';
import { seedArticles } from './fixtures/articles';
import { createSubscribers } from './fixtures/subscribers';
import { testEnv, type TestEnv } from './helpers';

const BIN = new URL('../bin/tidings.js', import.meta.url).pathname;
const SHOTS = new URL('../test-artifacts/ops/', import.meta.url).pathname;

let t: TestEnv;
let server: ChildProcess;
let output = '';
let base = '';
let browser: Browser;

async function seed(): Promise<void> {
  await seedArticles(t.db);
  const ids = await createSubscribers(t.db, 6);
  const articles = await recentArticles(t.db, 3);
  const editions = ['morning-2026-11-22', 'morning-2026-11-23'];
  for (const [n, edition] of editions.entries()) {
    await registerEdition(t.db, edition, 'morning', new Date(Date.parse('2026-11-22T07:00:00Z') + n * 86_400_000));
    await claimDeliveries(t.db, edition, 'b', ids, t.now());
    await markPlanningDone(t.db, edition);
    await finishDeliveries(
      t.db,
      edition,
      'b',
      ids.map((id, i) => ({ subscriberId: id, status: 'sent' as const, messageId: `m-${n}-${i}` })),
      t.now(),
    );
    // The second edition gets more people clicking: a rising trend.
    const clickers = ids.slice(0, 2 + n * 2);
    const events = clickers.map((id, i) =>
      readerEventSchema.parse({
        type: 'click',
        subscriber_id: id,
        edition_id: edition,
        article_id: articles[i % articles.length]!.id,
        kind: 'article',
        position: i,
        url: articles[i % articles.length]!.url,
        at: `2026-11-2${2 + n}T08:00:00.000Z`,
        suspected_bot: false,
        bot_reasons: [],
      }),
    );
    events.push(
      readerEventSchema.parse({
        type: 'click',
        subscriber_id: ids[5]!,
        edition_id: edition,
        article_id: articles[0]!.id,
        kind: 'article',
        position: 0,
        url: articles[0]!.url,
        at: `2026-11-2${2 + n}T07:00:01.000Z`,
        suspected_bot: true,
        bot_reasons: ['head_request'],
      }),
    );
    await appendEvents(t.db, events);
  }
  const bounce = resendWebhookSchema.parse({
    type: 'email.bounced',
    created_at: '2026-11-23T07:01:00.000Z',
    data: {
      to: ['reader4@example.com'],
      tags: { edition: 'morning-2026-11-23', subscriber: ids[4]! },
      bounce: { type: 'Permanent', subType: 'General', message: 'mailbox does not exist' },
    },
  });
  await handleWebhookEvent(t.db, 'wh_bounce_1', bounce, t.now());
}

beforeAll(async () => {
  t = testEnv();
  await seed();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // Development, as a new operator runs it: the banner prints the token. SEED_DEMO off: the test's data only.
  const env = {
    ...t.env,
    NODE_ENV: 'development',
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_BASE_URL: base,
    SEED_DEMO: 'false',
    LOG_LEVEL: 'warn',
  };
  delete (env as Record<string, string | undefined>).OPERATOR_TOKEN;
  server = spawn(process.execPath, [BIN, 'start'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout!.on('data', (d) => (output += d));
  server.stderr!.on('data', (d) => (output += d));
  const deadline = Date.now() + 60_000;
  while (!/Ctrl-C/.test(output)) {
    if (Date.now() > deadline || server.exitCode !== null) throw new Error(`tidings start did not come up:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  mkdirSync(SHOTS, { recursive: true });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
  }
  await t?.cleanup();
});

/** The page is no wider than the window: nothing makes a phone scroll sideways. */
async function expectNoOverflow(page: Page): Promise<void> {
  const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  expect(scroll, `${page.url()} is ${scroll}px wide in a ${inner}px window`).toBeLessThanOrEqual(inner);
}

async function signIn(page: Page): Promise<void> {
  const token = /sign in with OPERATOR_TOKEN ([^\s;]+)/.exec(output)?.[1];
  expect(token, output).toBeTruthy();
  await page.goto(`${base}/ops`);
  await page.waitForURL(/\/ops\/login/);
  await page.locator('input[name=token]').fill(token!);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/ops`);
}

describe('the operator dashboard in a real browser', () => {
  it('signs in with the banner token, shows charts with data, and links edition → article → source', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await signIn(page);
    const bars = await page
      .locator('figure[data-chart="Emails sent and clicks per edition"] rect[data-value]')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));
    expect(bars).toEqual([6, 2, 1, 6, 4, 1]);
    const trend = await page
      .locator('figure[data-chart="Click-through per edition"] circle')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));
    expect(trend[1]!).toBeGreaterThan(trend[0]!);
    await page.screenshot({ path: `${SHOTS}dashboard-1280.png`, fullPage: true });

    await page.getByRole('link', { name: 'morning-2026-11-23' }).first().click();
    await page.getByRole('heading', { name: 'Edition morning-2026-11-23' }).waitFor();
    await page.screenshot({ path: `${SHOTS}edition-1280.png`, fullPage: true });
    const article = page.locator('#articles a[href^="/ops/articles/"]').first();
    const title = (await article.textContent())!;
    await article.click();
    await page.getByRole('heading', { name: title }).waitFor();
    await page.locator('a[href^="/ops/sources/"]').first().click();
    await page.getByRole('heading', { name: /^Source / }).waitFor();
    expect(await page.textContent('body')).toMatch(/Health: (ok|not fetched yet|failing)/);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/ops\/login/);
    await page.goto(`${base}/ops`);
    await page.waitForURL(/\/ops\/login/);
  }, 60_000);

  it('finds a bounced reader, and no page spills sideways at 390 px', async () => {
    const page = await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true })).newPage();
    await signIn(page);
    await expectNoOverflow(page);
    await page.screenshot({ path: `${SHOTS}dashboard-390.png`, fullPage: true });
    expect(await page.locator('table', { hasText: 'mailbox does not exist' }).textContent()).toContain('reader4@example.com');

    await page.getByRole('link', { name: 'Subscribers' }).click();
    await page.getByLabel('address').fill('reader4');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: 'reader4@example.com' }).click();
    await page.getByRole('heading', { name: 'reader4@example.com' }).waitFor();
    const body = (await page.textContent('body'))!;
    expect(body).toContain('suppressed');
    expect(body).toContain('mailbox does not exist');
    await expectNoOverflow(page);
    await page.screenshot({ path: `${SHOTS}subscriber-390.png`, fullPage: true });

    for (const path of ['/ops/editions/morning-2026-11-23', '/ops/sources', '/ops/quarantine', '/ops/subscribers']) {
      await page.goto(`${base}${path}`);
      await expectNoOverflow(page);
    }
  }, 60_000);

  it('answers JSON under /ops/api, a miss included', async () => {
    const token = /sign in with OPERATOR_TOKEN ([^\s;]+)/.exec(output)![1]!;
    const miss = await fetch(`${base}/ops/api/nothing-here`, { headers: { authorization: `Bearer ${token}` } });
    expect(miss.status).toBe(404);
    expect(miss.headers.get('content-type')).toMatch(/application\/json/);
    expect(await miss.json()).toMatchObject({ error: 'not_found' });
  });
});

// A stranger's whole journey in real Chromium at phone size: subscribe at / → confirm from the dev outbox →
// welcome briefing within 5 s → / shows it → an article click lands on the article → "Save for later" from the
// email shows on /bookmarks → pause (an edition planned now skips them) → resume → export → delete → nothing more.
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxMessage, Schedule } from '../src/contracts';
import { findUserByEmail } from '../src/store/auth';
import { getDelivery } from '../src/store/deliveries';
import { listOutbox } from '../src/store/outbox';
import { putSchedule } from '../src/store/schedules';
import { ensureSubscriber, findSubscriberByEmail } from '../src/store/subscribers';
import { planSchedule } from '../workers/plan-edition';
import { seedDemo } from '../workers/seed-demo';
import { startAuthServer, type AuthServer } from './auth-helpers';

let s: AuthServer;
let browser: Browser;
beforeAll(async () => {
  [s, browser] = await Promise.all([
    // development: the demo feeds point at this instance's /demo/ pages, as on a newcomer's machine.
    startAuthServer({ NODE_ENV: 'development', AUTH_EMAIL_COOLDOWN_SECONDS: '0' }),
    chromium.launch({
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
    }),
  ]);
  await seedDemo(s.t.db, s.workers!.queues, s.t.queueConnection, s.t.config.QUEUE_PREFIX, s.t.log, s.t.now());
  // A schedule that follows each reader's own hour, so the form offers one (fixed-time schedules do not).
  await putSchedule(s.t.db, { name: 'local', cron: '0 7 * * *', tz: 'subscriber' }, s.t.now());
}, 90_000);

/** An hour far from now, so the per-reader schedule's own tick never sends this reader anything during the test. */
const readerHour = (new Date().getUTCHours() + 12) % 24;
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

const phone = () =>
  browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 1,
    isMobile: true,
    hasTouch: true,
    acceptDownloads: true,
  });
let n = 0;
const address = () => `stranger${++n}-${Date.now()}@example.com`;
const hrefs = (html: string) => [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));

async function subscribe(page: Page, email: string) {
  await page.goto(`${s.url}/`);
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('checkbox').first().check();
  await page.getByLabel('Delivery time').selectOption(String(readerHour));
  await page.getByRole('button', { name: 'Subscribe' }).click();
  await page.getByRole('heading', { name: 'Check your email' }).waitFor();
}

async function mailsTo(email: string, subject: RegExp): Promise<OutboxMessage[]> {
  return (await listOutbox(s.t.db, 200)).filter((m) => m.to.includes(email) && subject.test(m.subject));
}

function schedule(name: string): Schedule {
  return { name, cron: '0 7 * * *', tz: 'subscriber', paused: false, updated_at: new Date().toISOString() };
}

/** Plan an edition for everyone now, as `send-now --schedule` does; returns the edition id. */
async function planNow(name: string): Promise<string> {
  const result = await planSchedule(
    { db: s.t.db, log: s.t.log, now: s.t.now, sendQueue: s.workers!.queues.sendBatch },
    schedule(name),
    s.t.now(),
    { now: true },
  );
  return result.editions[0]!;
}

const SHOTS = new URL('../test-artifacts/reader/', import.meta.url).pathname;
mkdirSync(SHOTS, { recursive: true });

describe('a stranger in a real browser, phone-sized', () => {
  it('subscribes, reads the welcome briefing on the web, saves, pauses, resumes, exports and deletes', async () => {
    const context: BrowserContext = await phone();
    const page = await context.newPage();
    const email = address();
    // Someone else is subscribed, so an edition planned now has a reader in it and skipping ours means something.
    await ensureSubscriber(s.t.db, { email: `other-${Date.now()}@example.com` }, s.t.now());

    await subscribe(page, email);
    expect(await findSubscriberByEmail(s.t.db, email)).toBeNull(); // nothing until confirmed
    const confirm = await s.nextMail(email);
    expect(confirm.message.subject).toBe('Confirm your Tidings subscription');
    expect(confirm.message.text).toMatch(/confirm/i);

    await page.goto(confirm.link);
    await page.getByRole('button', { name: /^Sign in as/ }).click();
    const confirmedAt = Date.now();
    await expect.poll(() => mailsTo(email, /^Your briefing/), { timeout: 5_000, interval: 50 }).toHaveLength(1);
    const welcomeSeconds = (Date.now() - confirmedAt) / 1000;
    expect(welcomeSeconds).toBeLessThan(5);
    const [welcome] = await mailsTo(email, /^Your briefing/);
    const subscriber = (await findSubscriberByEmail(s.t.db, email))!;
    expect(subscriber).toMatchObject({ status: 'active', delivery_hour: readerHour, frequency: 'daily' });
    expect(subscriber.topics).toHaveLength(1);

    // / shows the welcome briefing (the page they landed on reloads itself until it is there), with the email's own tracked links.
    await page.getByRole('heading', { name: 'Your latest briefing' }).waitFor({ timeout: 5_000 });
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await page.textContent('.who')).toContain(email);
    const webLinks = await page.locator('.article h2 a').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
    const emailArticleLinks = hrefs(welcome!.html).filter((h) => h.includes('/c/'));
    expect(webLinks.length).toBeGreaterThan(0);
    for (const link of webLinks) expect(emailArticleLinks).toContain(link);

    // An article click lands on the article (a demo page this instance serves).
    const firstTitle = (await page.locator('.article h2 a').first().textContent())!;
    await page.locator('.article h2 a').first().click();
    await page.waitForURL(/\/demo\//);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(firstTitle);

    // On the web briefing, "More like this" is one press and brings the reader back to the same article.
    await page.goto(`${s.url}/`);
    await page.locator('#article-2').getByRole('button', { name: 'More like this' }).click();
    await page.locator('#article-2').getByRole('button', { name: 'More like this ✓ (undo)' }).waitFor();
    expect(new URL(page.url()).hash).toBe('#article-2');
    await page.screenshot({ path: `${SHOTS}briefing-web-390.png`, fullPage: true });

    // "Save for later" from the email (a page with a button first, for mail scanners) shows on /bookmarks.
    const save = /<a[^>]*href="([^"]+)"[^>]*>Save for later<\/a>/.exec(welcome!.html)![1]!.replace(/&amp;/g, '&');
    await page.goto(save);
    await page.getByRole('button', { name: 'Save it' }).click();
    await page.getByText('Saved.').first().waitFor();
    await page.goto(`${s.url}/bookmarks`);
    expect(await page.locator('.article h2').count()).toBe(1);

    // Pause until a date: an edition planned now skips them (and not the other reader).
    await page.goto(`${s.url}/settings`);
    await page.screenshot({ path: `${SHOTS}settings-390.png`, fullPage: true });
    const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('Pause until').fill(tomorrow);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await page.getByText('Paused.').first().waitFor();
    const pausedEdition = await planNow(`paused-${n}`);
    expect(await getDelivery(s.t.db, pausedEdition, subscriber.id)).toBeNull();
    expect((await s.t.db.redis.scard(s.t.db.keys.editionBuckets(pausedEdition))) > 0).toBe(true);

    // Resume: the next edition planned now includes them.
    await page.getByRole('button', { name: 'Resume now' }).click();
    await page.getByText('Resumed.').first().waitFor();
    const resumedEdition = await planNow(`resumed-${n}`);
    expect(await getDelivery(s.t.db, resumedEdition, subscriber.id)).not.toBeNull();

    // Export holds their data.
    await page.goto(`${s.url}/account`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download your data' }).click()]);
    const exported = JSON.parse(await readFile((await download.path())!, 'utf8'));
    expect(exported.subscriber.email).toBe(email);
    expect(exported.bookmarks).toHaveLength(1);
    expect(exported.briefings.length).toBeGreaterThanOrEqual(1);
    expect(exported.events.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['click', 'bookmark']));

    // Delete: then they get nothing more, and the address could subscribe again.
    await page.getByRole('link', { name: /Delete my account/ }).click();
    await page.getByRole('button', { name: 'Yes, delete everything' }).click();
    await page.getByRole('heading', { name: 'Your account is deleted' }).waitFor();
    expect(await findSubscriberByEmail(s.t.db, email)).toBeNull();
    expect(await findUserByEmail(s.t.db, email)).toBeNull();
    const before = (await listOutbox(s.t.db, 500)).filter((m) => m.to.includes(email)).length;
    const afterDelete = await planNow(`deleted-${n}`);
    expect(await getDelivery(s.t.db, afterDelete, subscriber.id)).toBeNull();
    await new Promise((r) => setTimeout(r, 1500));
    expect((await listOutbox(s.t.db, 500)).filter((m) => m.to.includes(email)).length).toBe(before);
    await page.goto(`${s.url}/bookmarks`);
    expect(page.url()).toContain('/sign-in');
    // The old email's links act on nothing: "Save for later" stores nothing, and "view in browser" is gone.
    expect((await page.goto(save))!.status()).toBe(404);
    await page.getByRole('heading', { name: 'This subscription no longer exists' }).waitFor();
    const pressed = await fetch(save, {
      method: 'POST',
      headers: { origin: new URL(s.url).origin, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'do=apply',
    });
    expect(pressed.status).toBe(404);
    const kept = await s.t.db.redis.keys(`${s.t.config.REDIS_PREFIX}actions:*${subscriber.id}*`);
    expect(kept).toEqual([]);
    const view = /<a[^>]*href="([^"]+\/v\/[^"]+)"/.exec(welcome!.html)![1]!.replace(/&amp;/g, '&');
    expect((await fetch(view)).status).toBe(410);
    // The address can subscribe again later.
    await subscribe(page, email);
    await expect.poll(() => mailsTo(email, /^Confirm your Tidings subscription$/), { timeout: 10_000 }).toHaveLength(2);
    await context.close();
  }, 120_000);

  it('signs in a second, fresh browser (a laptop) that opens the same sign-up link, and confirms the subscription there', async () => {
    const asked = await phone();
    const email = address();
    const form = await asked.newPage();
    await subscribe(form, email);
    const confirm = await s.nextMail(email);
    const other = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await other.newPage();
    await page.goto(confirm.link);
    await page.getByRole('button', { name: /^Sign in as/ }).click();
    await page.waitForURL(/\/\?welcome=1/);
    expect(await page.textContent('.who')).toContain(email);
    expect((await findSubscriberByEmail(s.t.db, email))?.status).toBe('active');
    await page.getByRole('heading', { name: 'Your latest briefing' }).waitFor({ timeout: 5_000 });
    await page.screenshot({ path: `${SHOTS}briefing-web-1280.png`, fullPage: true });
    await page.goto(`${s.url}/settings`);
    await page.screenshot({ path: `${SHOTS}settings-1280.png`, fullPage: true });
    await form.goto(`${s.url}/`);
    await form.screenshot({ path: `${SHOTS}subscribe-390.png`, fullPage: true });
    await Promise.all([asked.close(), other.close()]);
  }, 60_000);
});

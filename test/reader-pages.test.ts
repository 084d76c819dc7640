// The reader's pages through the edge app: the subscribe form and its answers, bad input named by field,
// pages that need a session, and development-only demo pages.
import { afterEach, describe, expect, it } from 'vitest';
import type { Article } from '../src/contracts';
import { saveArticles } from '../src/store/articles';
import { listBookmarks } from '../src/store/reader-actions';
import { addReaderBriefing } from '../src/store/reader-briefings';
import { putSchedule } from '../src/store/schedules';
import { ensureSubscriber, findSubscriberByEmail } from '../src/store/subscribers';
import { testApp, testEnv, type TestEnv } from './helpers';
import { productionEnv } from './production-env';
import { readerCookie } from './reader-helpers';

let t: TestEnv;
afterEach(() => t.cleanup());

const article = (i: number, topics: string[]): Article => ({
  id: `art_p${i}`,
  url: `https://news.example/p${i}`,
  title: `Story ${i}`,
  summary: '',
  source: 'wire',
  topics,
  author: null,
  published_at: new Date(Date.UTC(2026, 10, 30, i)).toISOString(),
  content_type: 'news',
});

function form(app: ReturnType<typeof testApp>['app'], path: string, fields: Array<[string, string]>, cookie?: string) {
  return app.request(path, {
    method: 'POST',
    body: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: t.config.PUBLIC_BASE_URL, ...(cookie ? { cookie } : {}) },
    redirect: 'manual',
  });
}

const good: Array<[string, string]> = [
  ['topics', 'ranking'],
  ['timezone', 'Europe/Berlin'],
  ['delivery_hour', '6'],
  ['frequency', 'weekly'],
  ['weekday', '5'],
];

describe('the subscribe form', () => {
  it('offers the topics Tidings has, with how many recent articles each', async () => {
    t = testEnv();
    await saveArticles(t.db, [article(1, ['ranking', 'email']), article(2, ['ranking'])]);
    const html = await (await testApp(t).app.request('/')).text();
    expect(html).toMatch(/value="ranking"[^>]*\/?> ranking <span class="muted">\(2 recent\)/);
    expect(html).toMatch(/value="email"[^>]*\/?> email <span class="muted">\(1 recent\)/);
    expect(html).toContain('data-detect-timezone="auto"');
  });

  it("offers a delivery hour only when a schedule follows each reader's hour, and otherwise says when editions go out", async () => {
    t = testEnv();
    const { app } = testApp(t);
    await ensureSubscriber(t.db, { email: 'berlin@example.com', timezone: 'Europe/Berlin' }, t.now());
    const cookie = await readerCookie(t.db, t.config.SESSION_SECRET, 'berlin@example.com');
    // No schedule yet: settings says so once, without promising a daily send.
    const unscheduled = await (await app.request('/settings', { headers: { cookie } })).text();
    expect(unscheduled).toContain('Nothing is scheduled yet: your briefing starts when this site schedules editions');
    expect(unscheduled).not.toContain('Sent every day');
    await putSchedule(t.db, { name: 'morning', cron: '0 7 * * *', tz: 'UTC' }, t.now());
    const fixed = await (await app.request('/')).text();
    expect(fixed).not.toContain('<select id="delivery_hour"');
    expect(fixed).toContain('Sent with every edition, at 07:00 UTC.');
    const settings = await (await app.request('/settings', { headers: { cookie } })).text();
    expect(settings).toContain('Sent every day at 08:00 (Europe/Berlin).');
    expect(settings).toContain('Sent with every edition, at 08:00 your time.');

    await putSchedule(t.db, { name: 'local', cron: '0 7 * * *', tz: 'subscriber' }, t.now());
    expect(await (await app.request('/')).text()).toContain('<select id="delivery_hour"');
  });

  it('names each bad field and keeps nothing', async () => {
    t = testEnv();
    await saveArticles(t.db, [article(1, ['ranking'])]);
    const response = await form(testApp(t).app, '/subscribe', [
      ['email', 'nobody'],
      ['topics', 'astrology'],
      ['timezone', 'Mars/Olympus'],
      ['delivery_hour', '25'],
      ['frequency', 'hourly'],
      ['weekday', '1'],
    ]);
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('That address must be an email address such as reader@example.com.');
    expect(html).toContain('not known here: astrology');
    expect(html).toContain('must be an IANA time zone');
    expect(html).toContain('must be an hour, 0 to 23');
    expect(html).toContain('must be one of daily, weekdays, weekly');
    expect(await t.db.redis.keys(`${t.config.REDIS_PREFIX}signup:*`)).toEqual([]);
  });

  it('refuses an address no inbox can have (over 64 characters before the @), as sign-in does, and asks for an empty one', async () => {
    t = testEnv();
    const app = testApp(t).app;
    const long = await form(app, '/subscribe', [['email', `${'a'.repeat(300)}@example.com`]]);
    expect(long.status).toBe(400);
    expect(await long.text()).toContain('That address must have at most 64 characters before the @ (RFC 5321).');
    const empty = await form(app, '/subscribe', [['email', '  ']]);
    expect(await empty.text()).toContain('Enter your email address (for example name@example.com).');
    expect(await t.db.redis.keys(`${t.config.REDIS_PREFIX}signup:*`)).toEqual([]);
  });

  it('keeps the choices until the link expires and sends only the link, with the same answer for a known address', async () => {
    t = testEnv();
    await saveArticles(t.db, [article(1, ['ranking'])]);
    const { app } = testApp(t);
    await ensureSubscriber(t.db, { email: 'known@example.com' }, t.now());
    const fresh = await form(app, '/subscribe', [['email', 'New@Example.com'], ...good]);
    const known = await form(app, '/subscribe', [['email', 'known@example.com'], ...good]);
    for (const r of [fresh, known]) {
      expect(r.status).toBe(303);
      expect(r.headers.get('location')).toMatch(/^\/sign-in\/sent\?ticket=/);
    }
    expect(await findSubscriberByEmail(t.db, 'new@example.com')).toBeNull();
    const ttl = await t.db.redis.ttl(t.db.keys.signup('new@example.com'));
    expect(ttl).toBeGreaterThan(t.config.AUTH_LINK_TTL_SECONDS);
    expect(ttl).toBeLessThanOrEqual(t.config.AUTH_LINK_TTL_SECONDS + 600);
    expect(JSON.parse((await t.db.redis.get(t.db.keys.signup('new@example.com')))!)).toMatchObject({
      timezone: 'Europe/Berlin',
      delivery_hour: 6,
      frequency: 'weekly',
      weekday: 5,
      topics: ['ranking'],
    });
    expect(await t.db.redis.xlen(t.db.keys.authMail)).toBe(2);
  });
});

describe('pages that need a signed-in reader', () => {
  it('send a signed-out visitor to sign in and back', async () => {
    t = testEnv();
    const { app } = testApp(t);
    for (const path of ['/briefings', '/bookmarks', '/settings', '/account/export', '/account/delete']) {
      const r = await app.request(path, { redirect: 'manual' });
      expect(r.status, path).toBe(303);
      expect(r.headers.get('location')).toBe(`/sign-in?next=${encodeURIComponent(path)}`);
    }
  });

  it('refuse a bad delivery hour and a pause date in the past, naming the field', async () => {
    t = testEnv();
    const { app } = testApp(t);
    await ensureSubscriber(t.db, { email: 'set@example.com' }, t.now());
    const cookie = await readerCookie(t.db, t.config.SESSION_SECRET, 'set@example.com');
    const hour = await form(
      app,
      '/settings',
      [
        ['timezone', 'UTC'],
        ['frequency', 'daily'],
        ['weekday', '1'],
        ['delivery_hour', '24'],
      ],
      cookie,
    );
    expect(hour.status).toBe(400);
    expect(await hour.text()).toContain('delivery hour must be an hour, 0 to 23');
    const pause = await form(app, '/settings/pause', [['until', '2020-01-01']], cookie);
    expect(pause.status).toBe(400);
    const refused = await pause.text();
    expect(refused).toContain('Pause until a day after today');
    // What they typed stays in the field, and the picker offers only days from tomorrow.
    expect(refused).toMatch(
      /<input id="until" type="date" name="until" min="(\d{4}-\d\d-\d\d)" value="2020-01-01" required="" aria-invalid="true"\/>/,
    );
    const min = /min="(\d{4}-\d\d-\d\d)"/.exec(refused)![1]!;
    expect(min > t.now().toISOString().slice(0, 10)).toBe(true);
    expect((await findSubscriberByEmail(t.db, 'set@example.com'))!.paused_until).toBeNull();
  });

  it('save an article from the web briefing in one press, come back to it, and show it saved', async () => {
    t = testEnv();
    const { app } = testApp(t);
    await saveArticles(t.db, [article(1, ['ranking']), article(2, ['ranking'])]);
    const { subscriber: reader } = await ensureSubscriber(t.db, { email: 'web@example.com' }, t.now());
    const tx = t.db.redis.multi();
    addReaderBriefing(tx, t.db, reader.id, {
      edition: 'morning-2026-11-30',
      sent_at: t.now().getTime(),
      items: [
        { id: 'art_p1', reasons: [] },
        { id: 'art_p2', reasons: [] },
      ],
    });
    await tx.exec();
    const cookie = await readerCookie(t.db, t.config.SESSION_SECRET, 'web@example.com');
    const page = async () => (await app.request('/briefings/morning-2026-11-30', { headers: { cookie } })).text();
    const before = await page();
    const save =
      /<form method="post" action="([^"]+)" class="inline"><input type="hidden" name="back" value="([^"]+)"\/><button[^>]*>Save for later</.exec(
        before,
      );
    expect(save, before).not.toBeNull();
    expect(save![2]).toBe('/briefings/morning-2026-11-30#article-1');

    const pressed = await form(app, new URL(save![1]!).pathname, [['back', save![2]!]], cookie);
    expect(pressed.status).toBe(303);
    expect(pressed.headers.get('location')).toBe('/briefings/morning-2026-11-30#article-1');
    expect(await listBookmarks(t.db, reader.id)).toEqual(['art_p1']);
    expect(await page()).toMatch(/name="do" value="undo"\/><button type="submit" class="link" aria-pressed="true">Saved ✓ \(remove\)</);

    // A `back` that leaves the site is ignored: the action still happens, and the result page answers instead.
    const elsewhere = await form(app, new URL(save![1]!).pathname, [['back', '//evil.example/x']], cookie);
    expect(elsewhere.status).toBe(200);
  });

  it('say what to do next for a briefing that does not exist', async () => {
    t = testEnv();
    await ensureSubscriber(t.db, { email: 'arch@example.com' }, t.now());
    const cookie = await readerCookie(t.db, t.config.SESSION_SECRET, 'arch@example.com');
    const r = await testApp(t).app.request('/briefings/no-such-edition', { headers: { cookie } });
    expect(r.status).toBe(404);
    expect(await r.text()).toContain('href="/briefings"');
  });
});

describe('demo articles', () => {
  it('are not served in production', async () => {
    t = testEnv(productionEnv);
    expect((await testApp(t).app.request('/demo/wire/anything')).status).toBe(404);
  });
});

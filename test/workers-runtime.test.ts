// The edge app under workerd (`wrangler dev`) against local Redis: a redirect, its event in the stream,
// and the action pages, with settings passed as --var flags and a throwaway config outside the repo.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../node/paths';
import { recentEvents } from '../src/store/events';
import { ensureSubscriber, getSubscriber } from '../src/store/subscribers';
import { articleSchema } from '../src/contracts';
import { saveArticles } from '../src/store/articles';
import { composeBriefing } from '../workers/briefing/compose-briefing';
import { testEnv, type TestEnv } from './helpers';
import { browserAgent, linkPayload } from './links-helpers';
import { freePort } from '../node/free-port';
import { addReaderBriefing } from '../src/store/reader-briefings';
import { readerCookie } from './reader-helpers';

const READY_TIMEOUT_MS = 45_000;

let t: TestEnv;
let dir: string;
let wrangler: ChildProcess;
let base: string;
let output = '';

beforeAll(async () => {
  t = testEnv({ LINK_SIGNING_KEYS: 'w1:workers-test-secret-workers-test-secret' });
  dir = mkdtempSync(join(tmpdir(), 'tidings-wrangler-'));
  // The repo's wrangler.toml is for deployment (NODE_ENV=production); this one lives and dies in a temp dir.
  writeFileSync(
    join(dir, 'wrangler.toml'),
    [
      `name = "tidings-test"`,
      `main = ${JSON.stringify(join(projectRoot, 'src/worker.ts'))}`,
      `compatibility_date = "2026-04-01"`,
      `compatibility_flags = ["nodejs_compat"]`,
      '',
    ].join('\n'),
  );
  const [port, inspector] = [await freePort(), await freePort()];
  const vars = {
    NODE_ENV: 'test',
    PUBLIC_BASE_URL: t.config.PUBLIC_BASE_URL,
    REDIS_URL: t.redisUrl,
    REDIS_PREFIX: t.config.REDIS_PREFIX,
    LINK_SIGNING_KEYS: t.env.LINK_SIGNING_KEYS!,
    LOG_LEVEL: 'warn',
  };
  const args = [
    'dev',
    '--config',
    join(dir, 'wrangler.toml'),
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--inspector-port',
    String(inspector),
    '--show-interactive-dev-session=false',
    '--log-level',
    'info',
  ];
  for (const [name, value] of Object.entries(vars)) args.push('--var', `${name}:${value}`);
  wrangler = spawn(process.execPath, [join(projectRoot, 'node_modules/wrangler/bin/wrangler.js'), ...args], {
    cwd: dir,
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1' },
    detached: true, // its own process group, so workerd goes down with it
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  wrangler.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  wrangler.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (wrangler.exitCode !== null) throw new Error(`wrangler dev exited:\n${output}`);
    if (Date.now() > deadline) throw new Error(`wrangler dev was not ready within ${READY_TIMEOUT_MS / 1000} s:\n${output}`);
    const healthy = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (healthy) break;
    await new Promise((r) => setTimeout(r, 250));
  }
}, READY_TIMEOUT_MS + 10_000);

afterAll(async () => {
  if (wrangler?.pid && wrangler.exitCode === null) {
    const exited = new Promise((resolve) => wrangler.once('exit', resolve));
    process.kill(-wrangler.pid, 'SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (wrangler.exitCode === null) process.kill(-wrangler.pid, 'SIGKILL');
  }
  await t?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the edge app on workerd', () => {
  it('redirects a signed link and records its click in the stream', async () => {
    const token = await t.signer.sign(linkPayload(t, { subscriber: 'sub_w', edition: 'ed_w' }));
    const response = await fetch(`${base}/c/${token}`, { redirect: 'manual', headers: { 'user-agent': browserAgent } });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('https://news.example/story?id=7');
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    await expect.poll(() => recentEvents(t.db), { timeout: 10_000, interval: 100 }).toHaveLength(1);
    expect((await recentEvents(t.db))[0]).toMatchObject({
      type: 'click',
      subscriber_id: 'sub_w',
      edition_id: 'ed_w',
      method: 'GET',
      suspected_bot: false,
    });

    const altered = token.slice(0, -3) + (token.endsWith('AAA') ? 'BBB' : 'AAA');
    const refused = await fetch(`${base}/c/${altered}`, { redirect: 'manual' });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('location')).toBeNull();
  });

  it('shows an action page on GET and unsubscribes on the one-click POST', async () => {
    const { subscriber } = await ensureSubscriber(t.db, { email: 'worker-reader@example.com' }, t.now());
    const path = `/a/${await t.signer.sign(linkPayload(t, { kind: 'unsubscribe', subscriber: subscriber.id, url: t.config.PUBLIC_BASE_URL }))}`;
    const page = await fetch(`${base}${path}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<button type="submit">Unsubscribe<\/button>/);
    expect((await getSubscriber(t.db, subscriber.id))!.status).toBe('active');
    const oneClick = await fetch(`${base}${path}`, {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      redirect: 'manual',
    });
    expect(oneClick.status).toBe(200);
    expect((await getSubscriber(t.db, subscriber.id))!.status).toBe('unsubscribed');
  });

  it('shows a briefing at its "View in browser" link and follows a short text-part link', async () => {
    const sent = new Date(t.now().getTime() - 3600_000);
    await saveArticles(t.db, [
      articleSchema.parse({
        id: 'art_w',
        url: 'https://news.example/w',
        title: 'Workers & Redis',
        source: 'news',
        published_at: sent.toISOString(),
        content_type: 'news',
      }),
    ]);
    const { subscriber } = await ensureSubscriber(t.db, { email: 'worker-viewer@example.com' }, sent);
    const { email } = (await composeBriefing({ config: t.config, db: t.db, signer: t.signer }, subscriber, 'ed_wv', sent))!;
    const view = /href="([^"]+\/v\/[^"]+)"/.exec(email.html)![1]!.slice(t.config.PUBLIC_BASE_URL.length);
    const page = await fetch(`${base}${view}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Workers &amp; Redis');
    expect(html).toContain('name="viewport"');
    const short = /^ {3}(\S+\/l\/\S+)$/m.exec(email.text)![1]!.slice(t.config.PUBLIC_BASE_URL.length);
    const click = await fetch(`${base}${short}`, { redirect: 'manual', headers: { 'user-agent': browserAgent } });
    expect(click.status).toBe(302);
    expect(click.headers.get('location')).toBe('https://news.example/w');
  });
});

describe("the reader's pages on workerd", () => {
  it("serve the signed-in home, a briefing and the bookmarks, with the email's tracked links", async () => {
    const { subscriber } = await ensureSubscriber(t.db, { email: 'worker-home@example.com' }, t.now());
    const article = {
      id: 'art_workerd1',
      url: 'https://news.example/workerd',
      title: 'Workerd serves the reader',
      summary: 'A page from the edge.',
      source: 'wire',
      topics: ['edge'],
      author: null,
      published_at: '2026-11-30T10:00:00Z',
      content_type: 'news' as const,
    };
    await saveArticles(t.db, [article]);
    const tx = t.db.redis.multi();
    addReaderBriefing(tx, t.db, subscriber.id, {
      edition: 'morning-2026-11-30',
      sent_at: Date.parse('2026-11-30T07:00:00Z'),
      items: [{ id: article.id, reasons: ['edge'] }],
    });
    tx.hset(t.db.keys.readerActions(subscriber.id), `bookmark:${article.id}`, '1');
    await tx.exec();
    const cookie = await readerCookie(t.db, t.config.SESSION_SECRET, subscriber.email);
    const expectedLink = `${t.config.PUBLIC_BASE_URL}/c/${await t.signer.sign({ url: article.url, kind: 'article', article: article.id, position: 0, subscriber: subscriber.id, edition: 'morning-2026-11-30', sent_at: Math.floor(Date.parse('2026-11-30T07:00:00Z') / 1000) })}`;
    for (const path of ['/', '/briefings/morning-2026-11-30']) {
      const response = await fetch(`${base}${path}`, { headers: { cookie } });
      const html = await response.text();
      expect(response.status, output).toBe(200);
      expect(html).toContain('Signed in as <strong>worker-home@example.com</strong>');
      expect(html).toContain('Workerd serves the reader');
      expect(html).toContain(`href="${expectedLink}"`);
    }
    const bookmarks = await fetch(`${base}/bookmarks`, { headers: { cookie } });
    expect(bookmarks.status).toBe(200);
    expect(await bookmarks.text()).toContain('Workerd serves the reader');
    const css = await fetch(`${base}/assets/site.css`);
    expect(await css.text()).toContain('"Segoe UI"');
  });
});

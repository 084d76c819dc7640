// The /c/ redirect on both adapters (Hono route and Node fast path), its refusals, and bot flags.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServerType } from '@hono/node-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LinkSigner, MAX_TOKEN_LENGTH } from '../src/core/links/links';
import { botReasons } from '../src/core/links/bots';
import { listen } from '../node/main';
import { recentEvents } from '../src/store/events';
import { automatedReasons } from '../src/store/click-window';
import { createClickJudge, ensureJudgeGroup } from '../workers/judge-clicks';
import { testEnv, type TestEnv } from './helpers';
import { browserAgent, linkPayload, linksApp } from './links-helpers';

let t: TestEnv;
let app: ReturnType<typeof linksApp>['app'];
let recorder: ReturnType<typeof linksApp>['recorder'];
let server: ServerType;
let base: string;

beforeEach(async () => {
  t = testEnv({ LINK_SIGNING_KEYS: 'k2:current-secret-current-secret-current,k1:previous-secret-previous-secret-prev' });
  ({ app, recorder } = linksApp(t));
  server = await listen(app.fetch, { PORT: 0, HOST: '127.0.0.1' }, { signer: t.signer, recorder, now: t.now });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
  await recorder.flush();
  await t.cleanup();
});

/** Both adapters answer every request: the in-process Hono app and the Node server with its fast path. */
async function click(token: string, init: RequestInit = {}) {
  const headers = { 'user-agent': browserAgent, ...(init.headers as Record<string, string> | undefined) };
  const viaHono = await app.request(`/c/${token}`, { ...init, headers });
  const viaNode = await fetch(`${base}/c/${token}`, { ...init, headers, redirect: 'manual' });
  for (const response of [viaHono, viaNode]) await response.text();
  return [viaHono, viaNode] as const;
}

describe('GET /c/:token', () => {
  it('redirects a good link to its destination, uncached, on both adapters, and records each click', async () => {
    const token = await t.signer.sign(linkPayload(t));
    for (const response of await click(token)) {
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe('https://news.example/story?id=7');
      expect(response.headers.get('cache-control')).toBe('private, no-store');
      expect(response.headers.get('referrer-policy')).toBe('strict-origin');
    }
    await recorder.flush();
    const events = await recentEvents(t.db);
    expect(events).toHaveLength(2);
    for (const event of events) {
      expect(event).toMatchObject({
        type: 'click',
        subscriber_id: 'sub_1',
        edition_id: 'ed_1',
        article_id: 'art_1',
        kind: 'article',
        position: 0,
        method: 'GET',
        user_agent: browserAgent,
        suspected_bot: false,
        bot_reasons: [],
      });
      expect(event.seconds_since_send).toBeGreaterThanOrEqual(3600);
    }
    expect(events.map((e) => e.ip)).toContain('127.0.0.1'); // the Node adapter knows the socket
  });

  it('records the address a trusted proxy saw on the Node fast path, and the peer when none is trusted', async () => {
    const proxied = await listen(app.fetch, { PORT: 0, HOST: '127.0.0.1' }, { signer: t.signer, recorder, now: t.now, trustProxyHops: 1 });
    try {
      const token = await t.signer.sign(linkPayload(t));
      const headers = { 'user-agent': browserAgent, 'x-forwarded-for': '6.6.6.6, 198.51.100.7' };
      await (await fetch(`http://127.0.0.1:${(proxied.address() as AddressInfo).port}/c/${token}`, { headers, redirect: 'manual' })).text();
      await (await fetch(`${base}/c/${token}`, { headers, redirect: 'manual' })).text();
      await recorder.flush();
      expect((await recentEvents(t.db)).map((e) => e.ip)).toEqual(['127.0.0.1', '198.51.100.7']);
    } finally {
      await new Promise((resolve) => proxied.close(resolve));
    }
  });

  it('answers 400 with a page and no Location for every single-byte change of a token', async () => {
    const token = await t.signer.sign(linkPayload(t));
    for (let i = 0; i < token.length; i++) {
      const altered = token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
      for (const response of await click(altered)) {
        expect(response.status, `byte ${i}`).toBe(400);
        expect(response.headers.get('location'), `byte ${i}`).toBeNull();
      }
    }
    await recorder.flush();
    expect(await recentEvents(t.db)).toEqual([]);
  });

  it('answers 400 to truncated, oversized, unknown-key and retired-key tokens, and to action tokens', async () => {
    const good = await t.signer.sign(linkPayload(t));
    const retired = await new LinkSigner([{ id: 'k0', secret: 'retired-secret-retired-secret-retired' }]).sign(linkPayload(t));
    const forged = await new LinkSigner([{ id: 'k2', secret: 'not-the-real-secret-not-the-real-secret' }]).sign(linkPayload(t));
    const vote = await t.signer.sign(linkPayload(t, { kind: 'vote_up' }));
    const oversized = good + 'A'.repeat(MAX_TOKEN_LENGTH);
    for (const token of [good.slice(0, -1), good.slice(0, good.lastIndexOf('.')), oversized, retired, forged, vote, 'nonsense', '%00']) {
      for (const response of await click(token)) {
        expect(response.status, token.slice(0, 40)).toBe(400);
        expect(response.headers.get('location')).toBeNull();
      }
    }
    const [page] = await click(retired);
    expect(await (await app.request(`/c/${retired}`)).text()).toMatch(
      /This link doesn&#39;t work.*opening it again from the original email/s,
    );
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
  });

  it('still opens links signed with an older key that is still configured', async () => {
    const old = await new LinkSigner([{ id: 'k1', secret: 'previous-secret-previous-secret-prev' }]).sign(linkPayload(t));
    for (const response of await click(old)) expect(response.status).toBe(302);
  });

  it('answers HEAD with the same redirect and records it as automated', async () => {
    const token = await t.signer.sign(linkPayload(t));
    for (const response of await click(token, { method: 'HEAD' })) {
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe('https://news.example/story?id=7');
    }
    await recorder.flush();
    const events = await recentEvents(t.db);
    expect(events).toHaveLength(2);
    for (const event of events) expect(event).toMatchObject({ method: 'HEAD', suspected_bot: true, bot_reasons: [botReasons.head] });
  });

  it('flags scanner agents and clicks within seconds of sending, and still redirects them', async () => {
    const token = await t.signer.sign(linkPayload(t));
    const fresh = await t.signer.sign(linkPayload(t, { sent_at: Math.floor(t.now().getTime() / 1000) - 1 }));
    await click(token, { headers: { 'user-agent': 'Mozilla/5.0 (compatible; Mimecast-URL-Protect/1.0)' } });
    await click(fresh);
    await recorder.flush();
    const events = (await recentEvents(t.db)).reverse();
    expect(events.map((e) => e.bot_reasons)).toEqual([
      [botReasons.scanner('mimecast')],
      [botReasons.scanner('mimecast')],
      [botReasons.tooSoon],
      [botReasons.tooSoon],
    ]);
  });
});

describe('clicks judged together per edition', () => {
  /** The click judge of the workers, run once over what the edge stored. */
  async function judge() {
    await ensureJudgeGroup(t.db);
    const judge = createClickJudge({ db: t.db, log: t.log }, { consumer: 'judge-test' });
    while ((await judge.runBatch(null)).read > 0);
    await judge.close();
  }
  const links = (n: number, edition: string) =>
    Promise.all(
      Array.from({ length: n }, (_, i) =>
        t.signer.sign(linkPayload(t, { edition, article: `art_${i}`, position: i, url: `https://news.example/${i}` })),
      ),
    );

  it('flags every click of a burst through all the links of one email', async () => {
    const tokens = await links(10, 'ed_burst');
    for (const token of tokens) await app.request(`/c/${token}`, { headers: { 'user-agent': browserAgent } });
    await recorder.flush();
    const events = await recentEvents(t.db);
    expect(events).toHaveLength(10);
    // Each looked human on its own when the edge stored it…
    for (const event of events) expect(event).toMatchObject({ suspected_bot: false });
    // …and once the judge has seen them together, the learner's question flags all ten, the first ones too.
    await judge();
    for (const event of events) expect(await automatedReasons(t.db, event)).toEqual({ automated: true, reasons: [botReasons.burst] });
  });

  it('does not flag a person opening a few stories', async () => {
    const tokens = await links(3, 'ed_person');
    for (const token of tokens) await app.request(`/c/${token}`, { headers: { 'user-agent': browserAgent } });
    await recorder.flush();
    await judge();
    for (const event of await recentEvents(t.db)) expect(await automatedReasons(t.db, event)).toEqual({ automated: false, reasons: [] });
  });

  it("a honeypot hit flags that recipient's clicks of that edition, before and after it, and no one else's", async () => {
    const [before, after] = await links(2, 'ed_trap');
    const honeypot = await t.signer.sign(
      linkPayload(t, { edition: 'ed_trap', kind: 'honeypot', article: null, position: null, url: t.config.PUBLIC_BASE_URL }),
    );
    const otherEdition = (await links(1, 'ed_other'))[0]!;
    const otherReader = await t.signer.sign(linkPayload(t, { edition: 'ed_trap', subscriber: 'sub_2' }));
    const go = async (token: string) => {
      const response = await app.request(`/c/${token}`, { headers: { 'user-agent': browserAgent } });
      await recorder.flush();
      return response;
    };
    await go(before!);
    expect((await go(honeypot)).headers.get('location')).toBe(`${t.config.PUBLIC_BASE_URL}/`);
    await go(after!);
    await go(otherEdition);
    await go(otherReader);
    // Found by what they are, not by position: sub_2's clicks live in another shard, and stream ids from two
    // shards within one millisecond do not say which came first.
    const events = await recentEvents(t.db);
    const find = (subscriber: string, edition: string, kind: string, article: string | null) =>
      events.find(
        (e) => e.subscriber_id === subscriber && e.edition_id === edition && e.kind === kind && (e.article_id ?? null) === article,
      );
    const beforeEvent = find('sub_1', 'ed_trap', 'article', 'art_0');
    const honeypotEvent = find('sub_1', 'ed_trap', 'honeypot', null);
    const afterEvent = find('sub_1', 'ed_trap', 'article', 'art_1');
    const otherEditionEvent = find('sub_1', 'ed_other', 'article', 'art_0');
    const otherReaderEvent = find('sub_2', 'ed_trap', 'article', 'art_1');
    expect(events).toHaveLength(5);
    // The honeypot click flags itself at the edge; the clicks around it look human on their own.
    expect(honeypotEvent).toMatchObject({ kind: 'honeypot', suspected_bot: true, bot_reasons: [botReasons.honeypot] });
    for (const event of [beforeEvent, afterEvent]) expect(event).toMatchObject({ suspected_bot: false });
    await judge();
    expect(await automatedReasons(t.db, honeypotEvent!)).toEqual({ automated: true, reasons: [botReasons.honeypot] });
    expect(await automatedReasons(t.db, beforeEvent!)).toEqual({ automated: true, reasons: [botReasons.honeypot] });
    expect(await automatedReasons(t.db, afterEvent!)).toEqual({ automated: true, reasons: [botReasons.honeypot] });
    expect(await automatedReasons(t.db, otherEditionEvent!)).toEqual({ automated: false, reasons: [] });
    expect(await automatedReasons(t.db, otherReaderEvent!)).toEqual({ automated: false, reasons: [] });
  });
});

describe('one link fetched in a loop (issue 12, item 5)', () => {
  it('redirects all 2,000 GETs with a 12 KB User-Agent on both adapters but adds a bounded number of events of bounded size', async () => {
    const token = await t.signer.sign(linkPayload(t));
    const headers = { 'user-agent': `Mozilla/5.0 ${'x'.repeat(12 * 1024)}` };
    const firstMinute = Math.floor(Date.now() / 60_000);
    const statuses = new Map<number, number>();
    const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
    // 1,800 through the Node fast path (node:http with keep-alive, the cheapest client), 50 at a time, and 200 through the Hono route.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 50 });
    const get = () =>
      new Promise<number>((resolve, reject) => {
        const req = http.get(`${base}/c/${token}`, { agent, headers }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
      });
    try {
      for (let i = 0; i < 1800; i += 50) for (const status of await Promise.all(Array.from({ length: 50 }, get))) count(status);
    } finally {
      agent.destroy();
    }
    for (let i = 0; i < 200; i++) count((await app.request(`/c/${token}`, { headers })).status);
    expect(Object.fromEntries(statuses)).toEqual({ 302: 2000 });
    await recorder.flush();
    const events = await recentEvents(t.db, 5000);
    // Each adapter keeps its own count here (the Node host shares one between them): at most 2 × 20 per clock minute.
    const minutes = Math.floor(Date.now() / 60_000) - firstMinute + 1;
    expect(events.length).toBeGreaterThan(0);
    expect(events.length).toBeLessThanOrEqual(40 * minutes);
    for (const event of events) expect(event.user_agent!.length).toBeLessThanOrEqual(512);
    const shardBytes = await Promise.all(t.db.keys.eventStreams.map(async (s) => Number((await t.db.redis.memory('USAGE', s)) ?? 0)));
    const streamBytes = shardBytes.reduce((a, b) => a + b, 0);
    expect(streamBytes).toBeLessThan(100_000);
  }, 90_000);
});

// A composed briefing carries its footer links, the hidden honeypot and the RFC 8058 headers, and each
// of them opens what it should.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { articleSchema } from '../src/contracts';
import { saveArticles } from '../src/store/articles';
import { ensureSubscriber, getSubscriber } from '../src/store/subscribers';
import { composeBriefing } from '../workers/briefing/compose-briefing';
import { testEnv, type TestEnv } from './helpers';
import { linksApp } from './links-helpers';

let t: TestEnv;
beforeEach(() => {
  t = testEnv();
});
afterEach(() => t.cleanup());

/** Every anchor: its opening tag, its href and its text. */
const anchors = (html: string) =>
  [...html.matchAll(/<a [^>]*href="([^"]+)"[^>]*>(.*?)<\/a>/gs)].map((m) => ({
    tag: m[0],
    href: m[1]!.replace(/&amp;/g, '&'),
    text: m[2]!,
  }));

describe('briefing links', () => {
  it('carries Preferences and Unsubscribe links, a hidden honeypot, and one-click unsubscribe headers', async () => {
    const now = new Date(t.now().getTime() - 3600_000);
    await saveArticles(t.db, [
      articleSchema.parse({
        id: 'art_1',
        url: 'https://news.example/1',
        title: 'One',
        source: 'news',
        published_at: now.toISOString(),
        content_type: 'news',
      }),
    ]);
    const { subscriber } = await ensureSubscriber(t.db, { email: 'reader@example.com' }, now);
    const composed = await composeBriefing({ config: t.config, db: t.db, signer: t.signer }, subscriber, 'ed_1', now);
    const { email } = composed!;
    const base = t.config.PUBLIC_BASE_URL;

    expect(email.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    const unsubscribe = /^<(.+)>$/.exec(email.headers['List-Unsubscribe']!)?.[1];
    expect(unsubscribe).toMatch(new RegExp(`^${base}/a/t1\\.`));

    const links = anchors(email.html);
    const footer = (label: string) => links.find((l) => l.text === label);
    expect(footer('Unsubscribe')?.href).toBe(unsubscribe);
    expect(footer('Preferences')?.href).toMatch(new RegExp(`^${base}/preferences/t1\\.`));
    expect((await t.signer.verify(footer('Preferences')!.href.split('/').pop()!)).ok).toBe(true);

    const actions = ['More like this', 'Fewer like this', 'Save for later'].map((label) => links.find((l) => l.text === label)?.href);
    const kinds = await Promise.all(
      actions.map(async (href) => {
        expect(href).toMatch(new RegExp(`^${base}/a/t1\\.`));
        const result = await t.signer.verify(href!.split('/').pop()!);
        return result.ok ? [result.payload.kind, result.payload.article] : null;
      }),
    );
    expect(kinds).toEqual([
      ['vote_up', 'art_1'],
      ['vote_down', 'art_1'],
      ['bookmark', 'art_1'],
    ]);

    const honeypots = links.filter((l) => /display:none/.test(l.tag));
    expect(honeypots).toHaveLength(1);
    const trap = honeypots[0]!;
    expect(trap.tag).toMatch(/aria-hidden="true"/);
    expect(trap.tag).toMatch(/tabindex="-1"/i);
    expect(trap.href).toMatch(new RegExp(`^${base}/c/t1\\.`));
    const verified = await t.signer.verify(trap.href.split('/').pop()!);
    expect(verified).toMatchObject({ ok: true, payload: { kind: 'honeypot', subscriber: subscriber.id, edition: 'ed_1' } });
    expect(email.text).not.toContain(trap.href); // no person reads it in the text part either
    expect(email.text).toMatch(new RegExp(`^Unsubscribe: ${base}/l/\\S+$`, 'm')); // short in the text part; briefing-email.test.ts follows it

    // The header's URL is the same one-click endpoint the tests of /a/ cover: it unsubscribes at once.
    const { app, recorder } = linksApp(t);
    const response = await app.request(unsubscribe!.slice(base.length), {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.status).toBe(200);
    expect((await getSubscriber(t.db, subscriber.id))!.status).toBe('unsubscribed');
    await recorder.flush();
  });
});

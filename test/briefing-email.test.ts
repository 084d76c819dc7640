// What a reader sees in a composed briefing email: the words, the footer, and what each part repeats or not.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { articleSchema, type Article } from '../src/contracts';
import { saveArticles } from '../src/store/articles';
import { ensureSubscriber } from '../src/store/subscribers';
import { briefingContent, composeBriefing } from '../workers/briefing/compose-briefing';
import { testEnv, type TestEnv } from './helpers';

let t: TestEnv;
beforeEach(() => {
  t = testEnv();
});
afterEach(() => t.cleanup());

const hoursAgo = (now: Date, h: number) => new Date(now.getTime() - h * 3600_000).toISOString();
const article = (id: string, published_at: string, overrides: Partial<Article> = {}) =>
  articleSchema.parse({ id, url: `https://news.example/${id}`, title: `Article ${id} on its own subject`, source: 'news', published_at, content_type: 'post', ...overrides });

describe('the briefing email', () => {
  it('never says "new since your last briefing" in a reader\'s first briefing', async () => {
    const now = t.now();
    // Two days old and unremarkable: nothing but the fallback reason applies to the older one.
    await saveArticles(t.db, [article('fresh', hoursAgo(now, 1)), article('older', hoursAgo(now, 48), { title: 'Quiet piece about gardening' })]);
    const { subscriber } = await ensureSubscriber(t.db, { email: 'first@example.com' }, now);
    const { email } = (await composeBriefing({ config: t.config, db: t.db, signer: t.signer }, subscriber, 'ed_first', now))!;
    expect(email.html).toContain('Quiet piece about gardening');
    expect(email.html).not.toContain('new since your last briefing');
    expect(email.text).not.toContain('new since your last briefing');
  });

  it('never repeats a listed article, or one sent before, as the "Latest post"', async () => {
    const now = t.now();
    await saveArticles(t.db, [article('newest', hoursAgo(now, 1)), article('second', hoursAgo(now, 2)), article('earlier', hoursAgo(now, 30), { content_type: 'news' })]);
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
});

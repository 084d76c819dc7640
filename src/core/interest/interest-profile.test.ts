import { describe, expect, it } from 'vitest';
import type { ReaderEvent } from '../../contracts';
import { articleFeatures, buildCorpus } from './article-features';
import { applySignal, decayFactor, emptyProfile, signalOf, type InterestSettings, type Profile } from './interest-profile';
import { learnEvent } from './learn';

const settings: InterestSettings = { halfLifeDays: 10, maxFeatures: 40 };
const DAY = 86_400_000;
const article = (id: string, topics: string[], source = 'the-wire', title = `About ${topics.join(' and ')}`) => ({
  id,
  url: `https://x.example/${id}`,
  title,
  summary: '',
  source,
  topics,
  author: 'Ana Ruiz',
  published_at: '2026-11-20T00:00:00Z',
  content_type: 'post' as const,
});
const corpus = buildCorpus([article('a', ['ranking']), article('b', ['feeds'])]);
const apply = (p: Profile, a: ReturnType<typeof article>, signal: Parameters<typeof applySignal>[3], at = 0) =>
  applySignal(p, a.id, articleFeatures(a, corpus), signal, at, settings);
const event = (overrides: Partial<ReaderEvent>): ReaderEvent => ({
  type: 'click',
  subscriber_id: 's',
  edition_id: 'e',
  article_id: 'a',
  kind: 'article',
  position: 0,
  url: null,
  at: '2026-11-20T00:00:00Z',
  method: 'GET',
  user_agent: null,
  ip: null,
  seconds_since_send: null,
  suspected_bot: false,
  bot_reasons: [],
  ...overrides,
});

describe('learning an interest profile', () => {
  it('raises the weight of what a reader clicks and lowers what they vote down', () => {
    let p = apply(emptyProfile(), article('a', ['ranking']), 'click').profile;
    expect(p.weights['t:ranking']).toBeGreaterThan(0);
    p = apply(p, article('b', ['feeds']), 'vote_down').profile;
    expect(p.weights['t:feeds']).toBeLessThan(0);
  });

  it('lets an explicit vote outweigh implicit signals on the same article', () => {
    const a = article('a', ['ranking']);
    let p = apply(emptyProfile(), a, 'vote_down').profile;
    const afterVote = p.weights['t:ranking']!;
    const click = apply(p, a, 'click');
    expect(click.applied).toBe(false);
    if (!click.applied) expect(click.reason).toMatch(/voted/);
    p = click.profile;
    expect(p.weights['t:ranking']).toBe(afterVote);
    // Three clicks on other articles about the topic do not undo one down-vote.
    for (const id of ['c', 'd', 'e']) p = apply(p, article(id, ['ranking']), 'click').profile;
    expect(Math.abs(afterVote)).toBeGreaterThan(0);
    expect(p.weights['t:ranking']!).toBeLessThanOrEqual(0.01);
  });

  it('treats delivered-but-not-clicked as a weak negative that one click outweighs', () => {
    const a = article('a', ['ranking']);
    const delivered = apply(emptyProfile(), a, 'delivered').profile;
    expect(delivered.weights['t:ranking']).toBeLessThan(0);
    expect(Math.abs(delivered.weights['t:ranking']!)).toBeLessThan(0.2);
    expect(delivered.evidence).toBe(0);
    expect(apply(delivered, a, 'click').profile.weights['t:ranking']).toBeGreaterThan(0);
  });

  it('takes back a cleared vote or a removed bookmark', () => {
    const a = article('a', ['ranking']);
    const voted = apply(emptyProfile(), a, 'vote_up').profile;
    const cleared = apply(voted, a, 'vote_cleared');
    expect(cleared.applied).toBe(true);
    expect(cleared.profile.weights['t:ranking'] ?? 0).toBeCloseTo(0, 9);
    expect(cleared.profile.votes).toEqual({});
    // With the vote gone, a click counts again; clearing twice does nothing.
    expect(apply(cleared.profile, a, 'click').applied).toBe(true);
    expect(apply(cleared.profile, a, 'vote_cleared')).toMatchObject({ applied: false, reason: 'there is no counted vote to clear' });
    const bookmarked = apply(emptyProfile(), a, 'bookmark').profile;
    expect(apply(bookmarked, a, 'bookmark_removed').profile.weights['t:ranking'] ?? 0).toBeCloseTo(0, 9);
  });

  it('halves what a reader did once per half-life', () => {
    const p = apply(emptyProfile(), article('a', ['ranking']), 'click', 0).profile;
    const later = apply(p, article('b', ['feeds']), 'click', 10 * DAY).profile;
    expect(later.weights['t:ranking']! / p.weights['t:ranking']!).toBeCloseTo(0.5, 6);
    expect(decayFactor(0, 20 * DAY, 10)).toBeCloseTo(0.25, 9);
  });

  it('discounts a late-arriving old event instead of counting it as new', () => {
    const fresh = apply(emptyProfile(), article('b', ['feeds']), 'click', 10 * DAY).profile;
    const withOld = apply(fresh, article('a', ['ranking']), 'click', 0).profile;
    expect(withOld.weights['t:ranking']! / fresh.weights['t:feeds']!).toBeCloseTo(0.5, 6);
  });

  it('keeps profiles bounded by pruning the weakest features', () => {
    let p = emptyProfile();
    for (let i = 0; i < 200; i++)
      p = apply(p, article(`x${i}`, [`topic-${i}`], `source-${i}`, `unique${i} words${i}`), 'click', i * 1000).profile;
    expect(Object.keys(p.weights).length).toBeLessThanOrEqual(settings.maxFeatures);
    expect(p.signals).toBe(200);
  });

  it('never learns from an event flagged as automated, and says why', () => {
    const verdict = signalOf(event({ suspected_bot: true, bot_reasons: ['head_request'] }));
    expect(verdict).toEqual({ ok: false, reason: expect.stringMatching(/suspected automated event \(head_request\)/) });
    const outcome = learnEvent(null, event({ suspected_bot: true }), article('a', ['ranking']), corpus, settings);
    expect(outcome).toMatchObject({ applied: false, kind: 'suspected_bot' });
  });

  it('refuses events that carry no interest signal, with a reason each', () => {
    expect(signalOf(event({ type: 'unsubscribe' }))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/says nothing about interests/),
    });
    expect(signalOf(event({ kind: 'vote_up' }))).toMatchObject({ ok: false, reason: expect.stringMatching(/not a read/) });
    expect(signalOf(event({ article_id: null }))).toMatchObject({ ok: false, reason: expect.stringMatching(/without an article/) });
    expect(learnEvent(null, event({}), null, corpus, settings)).toMatchObject({
      applied: false,
      kind: 'unknown_article',
      reason: expect.stringMatching(/article a is unknown/),
    });
  });
});

// The learn worker on real Redis: each event applied once (across restarts and crashes), bots and
// unknown articles or readers skipped with a logged reason, and what it learns reaches the briefing.
// The shared views (popularity, engagement, global interest, stats) are read after a rollup of the per-bucket deltas,
// as the workers run it every few seconds.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Article, ReaderEvent, ReaderEventInput } from '../src/contracts';
import { readerEventSchema } from '../src/contracts';
import { saveArticles } from '../src/store/articles';
import { appendEvents } from '../src/store/events';
import { getProfile, learnStats, loadPopularity, sourceEngagement } from '../src/store/interest';
import { rollUpLearned } from '../src/store/learned-rollup';
import { ensureSubscriber } from '../src/store/subscribers';
import { createClickJudge, ensureJudgeGroup } from '../workers/judge-clicks';
import { CLICK_SETTLE_MS, createLearner, ensureLearnGroup, LEARN_GROUP } from '../workers/learn-events';
import { selectArticles } from '../workers/briefing/select-articles';
import { createSendActivity } from '../workers/send-activity';
import { memoryLogger, testEnv, type TestEnv } from './helpers';

let t: TestEnv;
let log: ReturnType<typeof memoryLogger>;
const settings = { halfLifeDays: 21, maxFeatures: 256 };

const article = (id: string, topic: string, source: string, published = '2026-11-20T08:00:00Z'): Article => ({
  id,
  url: `https://${source}.example/${id}`,
  title: `${topic} article ${id}`,
  summary: `All about ${topic}.`,
  source,
  topics: [topic],
  author: null,
  published_at: published,
  content_type: 'post',
});

const event = (subscriber: string, articleId: string | null, overrides: Partial<ReaderEventInput> = {}): ReaderEvent =>
  readerEventSchema.parse({
    type: 'click',
    subscriber_id: subscriber,
    edition_id: 'ed-1',
    article_id: articleId,
    kind: 'article',
    at: '2026-11-20T09:00:00Z',
    ...overrides,
  });

beforeEach(() => {
  t = testEnv();
  log = memoryLogger();
});
afterEach(() => t.cleanup());

async function drain(learner: ReturnType<typeof createLearner>) {
  const totals = { read: 0, applied: 0 };
  for (;;) {
    const r = await learner.runBatch(null);
    totals.read += r.read;
    totals.applied += r.applied;
    if (r.read === 0) return totals;
  }
}

describe('the learn worker', () => {
  it('learns from clicks, skips unknown articles and readers with a logged reason, and the next briefing follows', async () => {
    const { subscriber } = await ensureSubscriber(t.db, { email: 'reader@example.com' }, new Date('2026-11-20T00:00:00Z'));
    const rust = ['r1', 'r2', 'r3', 'r4', 'r5'].map((id) => article(id, 'rust', 'field-notes'));
    const gardening = ['g1', 'g2', 'g3', 'g4', 'g5'].map((id) => article(id, 'gardening', 'the-wire', '2026-11-20T10:00:00Z'));
    await saveArticles(t.db, [...rust, ...gardening]);
    await ensureLearnGroup(t.db);
    await appendEvents(t.db, [
      ...['r1', 'r2', 'r3'].map((id) => event(subscriber.id, id)),
      event(subscriber.id, 'r1', { type: 'vote_up', kind: 'vote_up' }),
      event(subscriber.id, 'art_gone'),
      event('sub_nobody', 'r1'),
      event(subscriber.id, 'r2', { type: 'unsubscribe', kind: null }),
    ]);
    await t.db.redis.xadd(t.db.keys.events(0), '*', 'event', '{"type":"click","subscriber_id":');
    const learner = createLearner({ db: t.db, log, settings }, { consumer: 'one' });
    expect(await drain(learner)).toEqual({ read: 8, applied: 4 });
    await learner.close();
    await rollUpLearned(t.db);

    const profile = (await getProfile(t.db, subscriber.id))!;
    expect(profile.signals).toBe(4);
    expect(profile.weights['t:rust']).toBeGreaterThan(0);
    expect(await learnStats(t.db)).toEqual({ applied: 4, unknown_article: 1, unknown_reader: 1, not_a_signal: 1, invalid_event: 1 });
    const warned = log.lines.filter((l) => l.level === 'warn').map((l) => l.msg);
    expect(warned).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^reader event refused: it does not match the event contract/),
        'reader event for an unknown article: not learned',
        'reader event for an unknown reader: not learned (the subscriber does not exist)',
      ]),
    );
    expect((await sourceEngagement(t.db)).get('field-notes')).toBeGreaterThan(0);

    // The briefing now leads with what the reader read, though gardening is newer, and says why.
    const { ranked } = await selectArticles(t.db, subscriber, 4, { now: new Date('2026-11-20T12:00:00Z') });
    expect(ranked[0]!.article.topics).toEqual(['rust']);
    expect(ranked[0]!.reasons[0]).toMatch(/^because you (read about rust|often read field-notes)/);
  });

  it('survives a flood of bot events: none is learned, each is counted, real signals still count', async () => {
    const { subscriber } = await ensureSubscriber(t.db, { email: 'reader@example.com' }, new Date());
    await saveArticles(t.db, [article('a1', 'rust', 'field-notes')]);
    await ensureLearnGroup(t.db);
    const flood = Array.from({ length: 3000 }, () =>
      event(subscriber.id, 'a1', { suspected_bot: true, bot_reasons: ['all_links_clicked'] }),
    );
    await appendEvents(t.db, [...flood.slice(0, 1500), event(subscriber.id, 'a1'), ...flood.slice(1500)]);
    const learner = createLearner({ db: t.db, log, settings }, { consumer: 'one' });
    expect(await drain(learner)).toEqual({ read: 3001, applied: 1 });
    await learner.close();
    await rollUpLearned(t.db);
    expect((await getProfile(t.db, subscriber.id))!.signals).toBe(1);
    expect(await learnStats(t.db)).toEqual({ applied: 1, suspected_bot: 3000 });
    const popularity = await loadPopularity(t.db, ['a1'], Date.parse('2026-11-20T09:00:00Z'));
    expect(popularity.byArticle.get('a1')!.clicks).toBeCloseTo(1, 6);
    // Nothing stays pending.
    for (const stream of t.db.keys.eventStreams) expect(((await t.db.redis.xpending(stream, LEARN_GROUP)) as [number])[0]).toBe(0);
    expect(
      log.lines.some(
        (l) =>
          l.msg === 'reader events not learned from, by reason' &&
          (l.obj as { skipped: Record<string, number> }).skipped.suspected_bot! > 0,
      ),
    ).toBe(true);
  });

  it('applies every event once across a restart and claims what a crashed consumer left pending', async () => {
    const { subscriber } = await ensureSubscriber(t.db, { email: 'reader@example.com' }, new Date());
    await saveArticles(
      t.db,
      ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'].map((id) => article(id, 'rust', 'field-notes')),
    );
    await ensureLearnGroup(t.db);
    await appendEvents(
      t.db,
      ['a1', 'a2'].map((id) => event(subscriber.id, id)),
    );

    const first = createLearner({ db: t.db, log, settings }, { consumer: 'first' });
    expect(await drain(first)).toMatchObject({ applied: 2 });
    await first.close();

    // A consumer reads two events and dies before acknowledging them.
    await appendEvents(
      t.db,
      ['a3', 'a4'].map((id) => event(subscriber.id, id)),
    );
    await t.db.redis.xreadgroup('GROUP', LEARN_GROUP, 'crashed', 'COUNT', 2, 'STREAMS', t.db.keys.readerEvents(subscriber.id), '>');
    await appendEvents(
      t.db,
      ['a5', 'a6'].map((id) => event(subscriber.id, id)),
    );

    // After a restart the new consumer learns the new events and, once they idle long enough, the abandoned ones.
    const second = createLearner({ db: t.db, log, settings }, { consumer: 'second', claimIdleMs: 50 });
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await drain(second)).toMatchObject({ applied: 4 });
    // A third run finds nothing left to do.
    expect(await drain(second)).toEqual({ read: 0, applied: 0 });
    await second.close();
    await rollUpLearned(t.db);
    expect((await getProfile(t.db, subscriber.id))!.signals).toBe(6);
    expect((await learnStats(t.db)).applied).toBe(6);
  });

  it('re-reads what it had read but not acknowledged when restarted under the same name, without waiting', async () => {
    const { subscriber } = await ensureSubscriber(t.db, { email: 'reader@example.com' }, new Date());
    await saveArticles(t.db, [article('a1', 'rust', 'field-notes'), article('a2', 'rust', 'field-notes')]);
    await ensureLearnGroup(t.db);
    await appendEvents(
      t.db,
      ['a1', 'a2'].map((id) => event(subscriber.id, id)),
    );
    // The process read both, then was killed before applying them.
    await t.db.redis.xreadgroup('GROUP', LEARN_GROUP, 'learn-host', 'COUNT', 10, 'STREAMS', t.db.keys.readerEvents(subscriber.id), '>');
    const restarted = createLearner({ db: t.db, log, settings }, { consumer: 'learn-host' });
    expect(await drain(restarted)).toEqual({ read: 2, applied: 2 });
    await restarted.close();
    expect((await getProfile(t.db, subscriber.id))!.signals).toBe(2);
  });

  it('applies an entry once when two consumers hold it at the same time', async () => {
    const { subscriber } = await ensureSubscriber(t.db, { email: 'reader@example.com' }, new Date());
    const ids = Array.from({ length: 40 }, (_, i) => `a${i}`);
    await saveArticles(
      t.db,
      ids.map((id) => article(id, 'rust', 'field-notes')),
    );
    await ensureLearnGroup(t.db);
    await appendEvents(
      t.db,
      ids.map((id) => event(subscriber.id, id)),
    );
    await t.db.redis.xreadgroup('GROUP', LEARN_GROUP, 'slow', 'COUNT', 100, 'STREAMS', t.db.keys.readerEvents(subscriber.id), '>');
    // The slow consumer works through its entries while another claims them all at once.
    const slow = createLearner({ db: t.db, log, settings }, { consumer: 'slow' });
    const eager = createLearner({ db: t.db, log, settings }, { consumer: 'eager', claimIdleMs: 0 });
    const [a, b] = await Promise.all([drain(slow), drain(eager)]);
    await Promise.all([slow.close(), eager.close()]);
    expect(a.applied + b.applied).toBe(40);
    expect((await getProfile(t.db, subscriber.id))!.signals).toBe(40);
  });

  it("keeps an event's share of the shared counts when the shared views refuse writes for a while, and never counts it twice", async () => {
    const { subscriber } = await ensureSubscriber(t.db, { email: 'reader@example.com' }, new Date());
    await saveArticles(t.db, [article('a1', 'rust', 'field-notes')]);
    await ensureLearnGroup(t.db);
    await appendEvents(t.db, [event(subscriber.id, 'a1')]);
    // The shared popularity refuses every write for a while (a wrong-typed key): before the rollup, the event's share
    // was written after the reader's transaction, and a failure (or a crash) there lost it.
    await t.db.redis.set(t.db.keys.popularity, 'not a hash');
    const learner = createLearner({ db: t.db, log, settings }, { consumer: 'one' });
    expect(await drain(learner)).toEqual({ read: 1, applied: 1 });
    await learner.close();
    await expect(rollUpLearned(t.db)).rejects.toThrow(/WRONGTYPE/);
    // Nothing was half-applied: the whole delta waits in the reader's bucket.
    expect(await learnStats(t.db)).toEqual({});
    await t.db.redis.del(t.db.keys.popularity);
    await rollUpLearned(t.db);
    await rollUpLearned(t.db);
    expect((await getProfile(t.db, subscriber.id))!.signals).toBe(1);
    const popularity = await loadPopularity(t.db, ['a1'], Date.parse('2026-11-20T09:00:00Z'));
    expect(popularity.byArticle.get('a1')?.clicks).toBeCloseTo(1, 6);
    expect((await sourceEngagement(t.db)).get('field-notes')).toBeGreaterThan(0);
    expect(await learnStats(t.db)).toEqual({ applied: 1 });
  });

  it('runs inside the workers and learns from events as they arrive', async () => {
    const { subscriber } = await ensureSubscriber(t.db, { email: 'reader@example.com' }, new Date());
    await saveArticles(t.db, [article('a1', 'rust', 'field-notes')]);
    const learner = createLearner({ db: t.db, log, settings }, { consumer: 'live', blockMs: 200 });
    learner.start();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await appendEvents(t.db, [event(subscriber.id, 'a1', { type: 'bookmark', kind: 'bookmark' })]);
    const deadline = Date.now() + 5000;
    while (!(await getProfile(t.db, subscriber.id)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    await learner.close();
    expect((await getProfile(t.db, subscriber.id))!.signals).toBe(1);
  });

  it('gives way while its process is sending an edition, then learns what waited', async () => {
    const { subscriber } = await ensureSubscriber(t.db, { email: 'reader@example.com' }, new Date());
    await saveArticles(t.db, [article('a1', 'rust', 'field-notes')]);
    await appendEvents(t.db, [event(subscriber.id, 'a1', { type: 'bookmark', kind: 'bookmark' })]);
    const sending = createSendActivity();
    let finishBatch = () => {};
    const batch = sending.during(() => new Promise<void>((resolve) => (finishBatch = resolve)));
    const learner = createLearner({ db: t.db, log, settings }, { consumer: 'polite', blockMs: 100, giveWayWhile: sending.busy });
    learner.start();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await getProfile(t.db, subscriber.id)).toBeNull();
    finishBatch();
    await batch;
    expect(sending.busy()).toBe(false);
    const deadline = Date.now() + 5000;
    while (!(await getProfile(t.db, subscriber.id)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    await learner.close();
    expect((await getProfile(t.db, subscriber.id))!.signals).toBe(1);
  });
});

describe('clicks are judged once nothing can flag them any more', () => {
  const at = Date.parse('2026-11-20T09:00:00Z');
  const click = (subscriber: string, n: number, ms: number, kind: 'article' | 'honeypot' = 'article') =>
    event(subscriber, kind === 'honeypot' ? null : `a${n}`, { kind, position: n, at: new Date(at + ms).toISOString() });

  async function setUp() {
    const scanned = (await ensureSubscriber(t.db, { email: 'scanned@example.com' }, new Date(at))).subscriber;
    const person = (await ensureSubscriber(t.db, { email: 'person@example.com' }, new Date(at))).subscriber;
    await saveArticles(
      t.db,
      ['a0', 'a1', 'a2', 'a3', 'a4', 'a5'].map((id) => article(id, 'rust', 'field-notes')),
    );
    await ensureLearnGroup(t.db);
    return { scanned: scanned.id, person: person.id };
  }

  it('waits until a fresh click settles, then learns from it', async () => {
    const { person } = await setUp();
    await appendEvents(t.db, [click(person, 1, 0)]);
    let now = at + 1000;
    const learner = createLearner({ db: t.db, log, settings }, { consumer: 'one', now: () => now });
    const early = await learner.runBatch(null);
    expect(early).toMatchObject({ read: 1, applied: 0, unsettled: 1, settlesInMs: CLICK_SETTLE_MS - 1000 });
    expect(await getProfile(t.db, person)).toBeNull();
    now = at + CLICK_SETTLE_MS;
    expect(await learner.runBatch(null)).toMatchObject({ read: 1, applied: 1, unsettled: 0 });
    expect(await learner.runBatch(null)).toMatchObject({ read: 0 });
    await learner.close();
    expect((await getProfile(t.db, person))!.signals).toBe(1);
  });

  it("never learns from a burst's first clicks, nor from clicks a later honeypot hit gives away, and waits for the judge", async () => {
    const { scanned, person } = await setUp();
    await ensureJudgeGroup(t.db);
    // A scanner opens five links within a second.
    await appendEvents(
      t.db,
      [0, 1, 2, 3, 4].map((n) => click(scanned, n, n * 200)),
    );
    // Another edition: one click, then the honeypot five minutes later.
    await appendEvents(t.db, [
      { ...click(scanned, 5, 0), edition_id: 'ed-2' },
      { ...click(scanned, 9, 5 * 60_000, 'honeypot'), edition_id: 'ed-2' },
    ]);
    // A person clicks one link at the same moment.
    await appendEvents(t.db, [click(person, 1, 0)]);

    const learner = createLearner({ db: t.db, log, settings }, { consumer: 'one', now: () => at + 5 * 60_000 + CLICK_SETTLE_MS });
    // The clicks have settled, but the judge has not looked at them yet: nothing is learned.
    expect(await learner.runBatch(null)).toMatchObject({ read: 8, applied: 0, unsettled: 8 });
    const judge = createClickJudge({ db: t.db, log }, { consumer: 'judge-1' });
    expect(await judge.runBatch(null)).toEqual({ read: 8, clicks: 8 });
    await judge.close();

    expect(await drain(learner)).toEqual({ read: 8, applied: 1 });
    await learner.close();
    await rollUpLearned(t.db);
    expect(await getProfile(t.db, scanned)).toBeNull();
    expect((await getProfile(t.db, person))!.signals).toBe(1);
    expect(await learnStats(t.db)).toEqual({ applied: 1, suspected_bot: 7 });
  });
});

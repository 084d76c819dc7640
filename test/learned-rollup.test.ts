// The rollup of the learner's per-bucket deltas into the global {learned} views, on real Redis: every event's share
// is counted exactly once when a rollup is killed between any two of its steps, or two run at once.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Article, ReaderEvent } from '../src/contracts';
import { readerEventSchema } from '../src/contracts';
import { saveArticles } from '../src/store/articles';
import { appendEvents } from '../src/store/events';
import { learnStats, loadPopularity } from '../src/store/interest';
import { READER_BUCKETS, readerBucket } from '../src/store/keys';
import { applyLearnedDelta, claimLearnedDelta, dropLearnedDelta, rollUpLearned } from '../src/store/learned-rollup';
import { ensureSubscriber } from '../src/store/subscribers';
import { createLearner, ensureLearnGroup } from '../workers/learn-events';
import { startLearnedRollup } from '../workers/rollup-learned';
import { memoryLogger, testEnv, type TestEnv } from './helpers';

let t: TestEnv;
const settings = { halfLifeDays: 21, maxFeatures: 256 };
const at = '2026-11-20T09:00:00Z';
const a1: Article = {
  id: 'a1',
  url: 'https://field-notes.example/a1',
  title: 'Rust article',
  summary: 'All about rust.',
  source: 'field-notes',
  topics: ['rust'],
  author: null,
  published_at: '2026-11-20T08:00:00Z',
  content_type: 'post',
};

const click = (subscriber: string): ReaderEvent =>
  readerEventSchema.parse({ type: 'click', subscriber_id: subscriber, edition_id: 'ed-1', article_id: 'a1', kind: 'article', at });

beforeEach(async () => {
  t = testEnv();
  await saveArticles(t.db, [a1]);
  await ensureLearnGroup(t.db);
});
afterEach(() => t.cleanup());

/** Readers spread over many buckets, each clicking a1 once; the learner applies every click. */
async function learnClicks(count: number, from = 0): Promise<string[]> {
  const ids: string[] = [];
  for (let i = from; i < from + count; i++)
    ids.push((await ensureSubscriber(t.db, { email: `reader${i}@example.com` }, new Date(at))).subscriber.id);
  await learnClicksOf(ids);
  return ids;
}

async function learnClicksOf(ids: string[]): Promise<void> {
  await appendEvents(t.db, ids.map(click));
  const learner = createLearner({ db: t.db, log: memoryLogger(), settings }, { consumer: 'learn', settleMs: 0 });
  let applied = 0;
  for (let r = await learner.runBatch(null); r.read > 0; r = await learner.runBatch(null)) applied += r.applied;
  await learner.close();
  expect(applied).toBe(ids.length);
}

async function counted(): Promise<{ clicks: number; applied: number }> {
  const popularity = await loadPopularity(t.db, ['a1'], Date.parse(at));
  return { clicks: Math.round((popularity.byArticle.get('a1')?.clicks ?? 0) * 1e6) / 1e6, applied: (await learnStats(t.db)).applied ?? 0 };
}

const buckets = Array.from({ length: READER_BUCKETS }, (_, b) => b);

describe('the learned rollup', () => {
  it('counts each share once when killed after claiming, and keeps what was learned meanwhile apart', async () => {
    const first = await learnClicks(30);
    expect(new Set(first.map(readerBucket)).size).toBeGreaterThan(10);
    expect(await counted()).toEqual({ clicks: 0, applied: 0 });
    // Killed after step 1 in every bucket.
    for (const b of buckets) await claimLearnedDelta(t.db, b);
    // The learner goes on, into fresh deltas.
    await learnClicks(10, 30);
    await rollUpLearned(t.db);
    // The pending generations went first; the newer deltas wait for the next round.
    const afterOne = await counted();
    expect(afterOne.applied).toBeGreaterThanOrEqual(30);
    await rollUpLearned(t.db);
    await rollUpLearned(t.db);
    expect(await counted()).toEqual({ clicks: 40, applied: 40 });
  });

  it('counts each share once when killed after applying, before the pending delta was dropped', async () => {
    await learnClicks(30);
    for (const b of buckets) {
      const claim = await claimLearnedDelta(t.db, b);
      if (claim) expect(await applyLearnedDelta(t.db, claim)).toBe(true);
    }
    expect(await counted()).toEqual({ clicks: 30, applied: 30 });
    // The next rollup finds the same generations pending: it skips adding them, and drops them.
    await rollUpLearned(t.db);
    expect(await counted()).toEqual({ clicks: 30, applied: 30 });
    for (const b of buckets) expect(await t.db.redis.exists(t.db.keys.learnedPending(b))).toBe(0);
  });

  it('never applies a stale claim, and a stale drop leaves a newer pending delta alone', async () => {
    const [reader] = await learnClicks(1);
    const bucket = readerBucket(reader!);
    const stale = (await claimLearnedDelta(t.db, bucket))!;
    // Another rollup finishes the same generation, then claims the next one of the same bucket.
    await rollUpLearned(t.db);
    await learnClicksOf([reader!]);
    const newer = (await claimLearnedDelta(t.db, bucket))!;
    expect(newer.generation).toBe(stale.generation + 1);
    expect(await applyLearnedDelta(t.db, stale)).toBe(false);
    await dropLearnedDelta(t.db, stale);
    expect(await t.db.redis.exists(t.db.keys.learnedPending(bucket))).toBe(1);
    await rollUpLearned(t.db);
    expect(await counted()).toEqual({ clicks: 2, applied: 2 });
  });

  it('counts each share once with several rollups running at once while the learner learns', async () => {
    const loops = [1, 2, 3].map(() => startLearnedRollup({ db: t.db, log: memoryLogger(), everyMs: 5 }));
    await learnClicks(20);
    await learnClicks(20, 20);
    await Promise.all(loops.map((loop) => loop.close()));
    await rollUpLearned(t.db);
    expect(await counted()).toEqual({ clicks: 40, applied: 40 });
  });
});

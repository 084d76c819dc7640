// Source polling on BullMQ job schedulers, prioritised by reader engagement.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { forwardWeight } from '../src/core/interest/popularity';
import { saveSource } from '../src/store/sources';
import { openQueues, type Queues } from '../workers/queues';
import { PLAN_POLLING, pollSchedulerId, syncPollSchedules } from '../workers/poll-schedules';
import { memoryLogger, testEnv, type TestEnv } from './helpers';

let t: TestEnv;
let queues: Queues;
beforeEach(() => {
  t = testEnv();
  queues = openQueues(t.queueConnection, t.config.QUEUE_PREFIX);
});
afterEach(async () => {
  await queues.close();
  await t.cleanup();
});

const everyOf = async () => new Map((await queues.ingest.getJobSchedulers(0, -1)).map((s) => [s.key, Number(s.every)]));

describe('source polling', () => {
  it('polls sources readers engage with more often, and drops schedules of removed sources', async () => {
    for (const id of ['loved', 'ignored', 'gone']) await saveSource(t.db, { id, url: `https://${id}.example/feed`, title: id, default_content_type: null, added_at: new Date().toISOString() });
    const deps = { db: t.db, log: memoryLogger(), config: t.config };
    await syncPollSchedules(deps, queues);
    expect((await everyOf()).get(pollSchedulerId('loved'))).toBe(120 * 60_000);

    // Readers click articles from one source (the learner keeps this sum).
    await t.db.redis.hset(t.db.keys.sourceEngagement, 'loved', String(10 * forwardWeight(Date.now())));
    await t.db.redis.hdel(t.db.keys.sources, 'gone');
    const plans = await syncPollSchedules(deps, queues);
    expect(plans).toEqual([
      { source: 'ignored', minutes: 120, changed: false },
      { source: 'loved', minutes: 15, changed: true },
    ]);
    const every = await everyOf();
    expect(every.get(pollSchedulerId('loved'))).toBe(15 * 60_000);
    expect(every.get(pollSchedulerId('ignored'))).toBe(120 * 60_000);
    expect(every.has(pollSchedulerId('gone'))).toBe(false);
    expect(every.has(PLAN_POLLING)).toBe(true);
  });
});

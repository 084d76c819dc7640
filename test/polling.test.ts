// Source polling on BullMQ job schedulers, prioritised by reader engagement.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { forwardWeight } from '../src/core/interest/popularity';
import { saveSource } from '../src/store/sources';
import { openQueues, PLAN_POLLING_SCHEDULER_ID, pollSchedulerId, type Queues } from '../workers/queues';
import type { Job } from 'bullmq';
import { planPollingProcessor, syncPollSchedules } from '../workers/plan-polling';
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

const everyOf = async (queue: Queues['ingest'] | Queues['planPolling'] = queues.ingest) =>
  new Map((await queue.getJobSchedulers(0, -1)).map((s) => [s.key, Number(s.every)]));

describe('source polling', () => {
  it('polls sources readers engage with more often, and drops schedules of removed sources', async () => {
    for (const id of ['loved', 'ignored', 'gone'])
      await saveSource(t.db, {
        id,
        url: `https://${id}.example/feed`,
        title: id,
        default_content_type: null,
        added_at: new Date().toISOString(),
      });
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
    // Re-planning has a queue and a job scheduler of its own; nothing of it rides the ingest queue.
    expect(every.has(PLAN_POLLING_SCHEDULER_ID)).toBe(false);
    expect((await everyOf(queues.planPolling)).get(PLAN_POLLING_SCHEDULER_ID)).toBe(10 * 60_000);
  });

  it('re-plans from a job on its own queue, and drops the re-planning scheduler an older version left on the ingest queue', async () => {
    await saveSource(t.db, {
      id: 'only',
      url: 'https://only.example/feed',
      title: 'only',
      default_content_type: null,
      added_at: new Date().toISOString(),
    });
    await queues.ingest.upsertJobScheduler(
      PLAN_POLLING_SCHEDULER_ID,
      { every: 10 * 60_000 },
      { name: PLAN_POLLING_SCHEDULER_ID, data: { source_id: PLAN_POLLING_SCHEDULER_ID } },
    );
    const replan = planPollingProcessor({ db: t.db, log: memoryLogger(), config: t.config, queues });
    expect(await replan({ data: {} } as Job)).toEqual([{ source: 'only', minutes: 120, changed: true }]);
    expect([...(await everyOf()).keys()]).toEqual([pollSchedulerId('only')]);
    expect([...(await everyOf(queues.planPolling)).keys()]).toEqual([PLAN_POLLING_SCHEDULER_ID]);
  });
});

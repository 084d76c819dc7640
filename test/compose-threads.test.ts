// Compose threads (SEND_COMPOSE_THREADS): a batch composed on a thread is byte for byte the batch the worker's main
// thread composes, a batch that cannot be composed fails with the thread's reason, and a thread that dies takes
// only its own batches with it.
import { afterEach, describe, expect, it } from 'vitest';
import { createFastBriefingRenderer } from '../emails/fast-briefing';
import { redisEndpoint } from '../node/services';
import { claimDeliveries, registerEdition } from '../src/store/deliveries';
import { createCandidatePoolCache } from '../workers/briefing/candidate-pool';
import { composeOnThisThread } from '../workers/briefing/compose-request';
import { createComposeThreads, type ComposeThreads } from '../workers/briefing/compose-threads';
import { generateArticles, seedArticles } from './fixtures/articles';
import { createSubscribers, learnProfiles } from './fixtures/subscribers';
import { testEnv, type TestEnv } from './helpers';

let t: TestEnv | undefined;
let threads: ComposeThreads | undefined;
afterEach(async () => {
  await threads?.close();
  threads = undefined;
  await t?.cleanup();
  t = undefined;
});

const EDITION = 'morning-2026-11-23';
const sentAt = new Date('2026-11-23T06:00:00Z');

async function editionOf(env: TestEnv, readers: number): Promise<string[]> {
  await seedArticles(env.db, sentAt);
  const pool = await generateArticles(env.db, 200, { now: sentAt, seed: 3 });
  const ids = await createSubscribers(env.db, readers, { timezone: (i) => ['UTC', 'Asia/Tokyo'][i % 2]! });
  await learnProfiles(env.db, ids, { ...pool, articleIds: pool.articleIds.slice(0, 40), now: sentAt, seed: 5 });
  await registerEdition(env.db, EDITION, 'morning', sentAt);
  await claimDeliveries(env.db, EDITION, 'b1', ids, sentAt);
  return ids;
}

describe('compose threads', () => {
  it('compose a batch into the very bytes the main thread composes', { timeout: 60_000 }, async () => {
    t = testEnv();
    const ids = await editionOf(t, 40);
    threads = createComposeThreads({ threads: 2, config: t.config, endpoint: redisEndpoint(t.config, t.redisUrl), log: t.log });
    const job = { edition_id: EDITION, batch_id: 'b1', subscriber_ids: ids, sent_at: sentAt.getTime() };
    const [first, second] = await Promise.all([threads.compose(job), threads.compose(job)]); // one on each thread
    const here = await composeOnThisThread({ ...t, renderer: createFastBriefingRenderer(), candidatePool: createCandidatePoolCache() })(
      job,
    );
    expect(here.recipients).toHaveLength(40);
    for (const composed of [first, second]) {
      expect(composed.recipients).toEqual(here.recipients);
      expect(composed.settled).toEqual(here.settled);
      expect(composed.body.equals(here.body)).toBe(true);
      expect(composed.emails).toBeUndefined(); // a transport that wants objects parses the body
    }
  });

  it("fail a batch with the thread's reason, and keep composing the next", { timeout: 60_000 }, async () => {
    t = testEnv();
    const ids = await editionOf(t, 5);
    threads = createComposeThreads({ threads: 1, config: t.config, endpoint: redisEndpoint(t.config, t.redisUrl), log: t.log });
    // A stored article that is not JSON (written by something else): the pool cannot be read.
    const [newest] = await t.db.redis.zrevrange(t.db.keys.articlesByPublished, 0, 0);
    const row = (await t.db.redis.hget(t.db.keys.articles, newest!))!;
    await t.db.redis.hset(t.db.keys.articles, newest!, '{not json');
    const job = { edition_id: EDITION, batch_id: 'b1', subscriber_ids: ids, sent_at: sentAt.getTime() };
    await expect(threads.compose(job)).rejects.toThrow(/JSON/);
    await t.db.redis.hset(t.db.keys.articles, newest!, row);
    const good = await threads.compose(job);
    expect(good.recipients.map((r) => r.subscriber_id)).toEqual(ids);
  });
});

// An edition on a 3-master Redis Cluster while things go wrong: the worker is killed with SIGKILL mid-edition and
// a slot holding readers (their records, counters and events shard) migrates to another master while batches are
// sent (the clients meet MOVED, ASK and TRYAGAIN). Every reader gets exactly one email, every sent article leaves
// exactly one `delivered` event, and clicks recorded during the move all reach the streams.
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { keySlot } from '../../src/store/key-slot';
import { bucketTag, readerBucket } from '../../src/store/keys';
import { countEvents } from '../../src/store/events';
import { editionSummary } from '../../src/store/deliveries';
import { putSchedule } from '../../src/store/schedules';
import { openQueues, queueNames } from '../../workers/queues';
import { FakeResend } from '../fixtures/resend-server';
import { createSubscribers } from '../fixtures/subscribers';
import { seedArticles } from '../fixtures/articles';
import { startWorkerProcess, type WorkerProcess } from '../fixtures/worker-process';
import { testApp, testEnv, type TestEnv } from '../helpers';

const EDITION = 'morning-2026-11-23';
const AT = Date.parse('2026-11-23T06:00:00Z');

let t: TestEnv | undefined;
let resend: FakeResend | undefined;
let worker: WorkerProcess | undefined;
const nodes: Redis[] = [];

afterEach(async () => {
  await worker?.kill();
  await resend?.close();
  await t?.cleanup().catch(() => {});
  for (const node of nodes.splice(0)) node.disconnect();
  worker = resend = t = undefined;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** A plain connection to each master of the test cluster, with its node id. */
async function masters(): Promise<Array<{ redis: Redis; id: string; host: string; port: number }>> {
  const urls = inject('redisClusterNodes')!.split(',');
  return Promise.all(
    urls.map(async (url) => {
      const redis = new Redis(url);
      nodes.push(redis);
      const u = new URL(url);
      return { redis, id: String(await redis.cluster('MYID')), host: u.hostname, port: Number(u.port) };
    }),
  );
}

/** Move one slot from its master to another, key batch by key batch, the way redis-cli --cluster reshard does. */
async function migrateSlot(slot: number, pauseMs: number): Promise<{ from: string; to: string; keys: number }> {
  const all = await masters();
  const owners = await Promise.all(all.map(async (m) => ((await m.redis.cluster('COUNTKEYSINSLOT', slot)) as number) > 0));
  const slots = (await all[0]!.redis.cluster('SLOTS')) as unknown as Array<[number, number, [string, number, string]]>;
  const ownerId = slots.find(([start, end]) => slot >= start && slot <= end)![2][2];
  const source = all.find((m) => m.id === ownerId)!;
  const target = all.find((m) => m.id !== ownerId)!;
  expect(owners.some(Boolean)).toBe(true);
  await target.redis.cluster('SETSLOT', slot, 'IMPORTING', source.id);
  await source.redis.cluster('SETSLOT', slot, 'MIGRATING', target.id);
  let moved = 0;
  for (;;) {
    const keys = (await source.redis.cluster('GETKEYSINSLOT', slot, 5)) as string[];
    if (keys.length === 0) break;
    await source.redis.migrate(target.host, target.port, '', 0, 5000, 'KEYS', ...keys);
    moved += keys.length;
    // Slowly, so batches meet the slot half moved (ASK for keys already gone, TRYAGAIN for multi-key commands).
    await sleep(pauseMs);
  }
  for (const m of all) await m.redis.cluster('SETSLOT', slot, 'NODE', target.id);
  return { from: `${source.host}:${source.port}`, to: `${target.host}:${target.port}`, keys: moved };
}

describe('an edition on a Redis Cluster', () => {
  it('sends each of 500 readers exactly one email while the worker is killed and a slot of readers moves', async () => {
    const readers = 500;
    // A slow provider and one batch at a time, so the kill and the slot move land while batches are still to go.
    resend = new FakeResend({ rateLimit: 10, latencyMs: 1200 });
    const url = await resend.start();
    t = testEnv({
      RESEND_API_KEY: 're_test_key',
      RESEND_BASE_URL: url,
      SEND_RATE_LIMIT: '10',
      SEND_CONCURRENCY: '1',
      SEND_BACKOFF_MS: '100',
      SEND_ATTEMPTS: '30',
      SEND_LOCK_MS: '2000',
      SEND_TIMEOUT_MS: '2000',
    });
    expect(t.env.REDIS_CLUSTER_NODES).toBeTruthy();
    await seedArticles(t.db);
    const ids = await createSubscribers(t.db, readers);
    await putSchedule(t.db, { name: 'morning', cron: '0 7 * * 1-5', tz: 'Europe/Berlin' }, t.now());
    const queues = openQueues(t.queueConnection, t.config.QUEUE_PREFIX);
    // Small batches, so the edition takes long enough for a kill and a slot move to land in the middle of it.
    await queues.planEdition.add(queueNames.planEdition, { schedule: 'morning', at: AT, now: false }, { jobId: 'plan__morning__cluster' });
    await queues.close();

    const env = { ...t.env, LOG_LEVEL: 'warn' } as Record<string, string>;
    worker = startWorkerProcess(env);
    await worker.ready;
    await until('sending to be under way', async () => resend!.accepted.length >= 50, 60_000);
    await worker.kill('SIGKILL');
    const killedAt = resend.accepted.length;
    worker = startWorkerProcess(env);
    await worker.ready;

    // The bucket of the last readers (their batches are still to come) moves while the edition goes on.
    const bucket = readerBucket(ids[readers - 1]!);
    const slot = keySlot(bucketTag(bucket));
    const { recorder } = testApp(t);
    const clicks = ids.filter((id) => readerBucket(id) === bucket).slice(0, 20);
    const before = await countEvents(t.db);
    const deliveredBefore = before; // everything in the streams so far is a delivered event
    const acceptedWhenMoveStarted = resend.accepted.length;
    const move = migrateSlot(slot, 250);
    // Clicks of readers in the moving bucket, recorded while their shard moves (ASK / TRYAGAIN / MOVED on the way).
    for (const [i, id] of clicks.entries()) {
      recorder.record({
        type: 'click',
        subscriber_id: id,
        edition_id: EDITION,
        article_id: 'art_moved',
        kind: 'article',
        position: i,
        url: 'https://example.com/',
        at: new Date().toISOString(),
        method: 'GET',
        user_agent: 'test',
        ip: null,
        seconds_since_send: 60,
        suspected_bot: false,
        bot_reasons: [],
      });
      await sleep(10);
    }
    const moved = await move;
    // The move happened mid-edition: emails were still to go when it started, and some went while it ran.
    expect(acceptedWhenMoveStarted).toBeLessThan(readers);
    await recorder.flush();
    expect(moved.keys).toBeGreaterThan(0);

    await until(
      'every delivery to settle',
      async () => {
        const s = await editionSummary(t!.db, EDITION);
        return s !== null && s.planning_done && s.planned === readers && s.queued === 0;
      },
      180_000,
    );
    expect(killedAt).toBeLessThan(readers);
    expect(await editionSummary(t.db, EDITION)).toMatchObject({ planned: readers, sent: readers, failed: 0, queued: 0 });
    expect(resend.duplicates()).toEqual([]);
    expect(resend.perRecipient.size).toBe(readers);
    // Every sent article left one delivered event, and the clicks recorded during the move all arrived.
    let expectedDelivered = 0;
    for (const id of ids) expectedDelivered += await t.db.redis.scard(t.db.keys.sentArticles(id));
    const delivered = await Promise.all(
      t.db.keys.eventStreams.map(
        async (stream) => (await t!.db.redis.xrange(stream, '-', '+')).filter(([, f]) => f[1]!.includes('"type":"delivered"')).length,
      ),
    );
    expect(delivered.reduce((a, b) => a + b, 0)).toBe(expectedDelivered);
    expect(recorder.stats()).toMatchObject({ recorded: clicks.length, failed: 0 });
    const clicked = (await t.db.redis.xrange(t.db.keys.events(bucket), '-', '+')).filter(([, f]) => f[1]!.includes('"art_moved"'));
    expect(clicked.length).toBe(clicks.length);
    expect(await countEvents(t.db)).toBe(before + clicks.length + expectedDelivered - deliveredBefore);
    // The bucket's slot now lives on its new master, and its events shard went with it.
    expect(keySlot(t.db.keys.events(bucket))).toBe(slot);
  });

  it('computes slots as the cluster does, and spreads readers over every master', async () => {
    t = testEnv();
    const all = await masters();
    for (const key of ['tidings:profile:{b0007}:sub_1', 'x{}{y}', t.db.keys.subscribersByEmail, t.db.keys.events(63), 'plain'])
      expect(keySlot(key), key).toBe(Number(await all[0]!.redis.cluster('KEYSLOT', key)));
    // Key counts per master: readers' keys land where their buckets' slots are.
    const ids = await createSubscribers(t.db, 2000);
    await Promise.all(ids.map((id) => t!.db.redis.set(t!.db.keys.profile(id), '{}')));
    const perNode = await Promise.all(all.map(async (m) => m.redis.dbsize()));
    const total = perNode.reduce((a, b) => a + b, 0);
    for (const n of perNode) expect(n / total).toBeLessThan(0.4);
  });
});

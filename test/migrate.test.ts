// `tidings migrate`: an installation written in the first key layout (plain names, one queue prefix) moves to the
// layout that spreads on Redis Cluster without losing anything. The old layout is written by hand, key by key,
// as the previous release wrote it.
import { Queue } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findUserByEmail, getAuthUser, getSession } from '../src/store/auth';
import { editionSummary, getDeliveries } from '../src/store/deliveries';
import { getSubscriber, findSubscriberByEmail, planningPage } from '../src/store/subscribers';
import { LAYOUT_VERSION, layoutKey, migrateLayout, needsMigration } from '../node/migrate-layout';
import { queueNames, queuePrefix } from '../workers/queues';
import { testEnv, type TestEnv } from './helpers';

let t: TestEnv;
beforeEach(() => {
  t = testEnv();
});
afterEach(async () => {
  await t.cleanup();
});

const subscriber = (id: string, email: string) =>
  JSON.stringify({ id, email, timezone: 'UTC', topics: ['rust'], status: 'active', created_at: '2026-01-01T00:00:00.000Z' });

describe('tidings migrate', () => {
  it('moves readers, deliveries, sessions, schedules and queued jobs from the old layout, once', async () => {
    const p = t.config.REDIS_PREFIX;
    const r = t.db.redis;
    const readers = Array.from({ length: 40 }, (_, i) => `sub_${i}`);
    for (const id of readers) {
      await r.hset(`${p}subscribers`, id, subscriber(id, `${id}@example.com`));
      await r.hset(`${p}subscribers:by-email`, `${id}@example.com`, id);
      await r.zadd(`${p}subscribers:by-created`, 1, id);
      await r.set(`${p}profile:${id}`, JSON.stringify({ v: 1, features: {}, updated_at: 0 }));
      await r.sadd(`${p}sent:${id}`, 'art_1', 'art_2');
      await r.hset(`${p}delivery:ed_1`, id, JSON.stringify({ status: 'sent', batch: 'b1', at: '2026-01-01T00:00:00.000Z' }));
    }
    await r.hset(`${p}edition:ed_1`, { planned: '40', queued: '0', sent: '40', created_at: '2026-01-01T00:00:00.000Z' });
    await r.zadd(`${p}editions`, 1, 'ed_1');
    // Reader events in the one stream, the learner having read (and finished) the first two of four.
    const eventIds: string[] = [];
    for (const [i, id] of ['sub_1', 'sub_2', 'sub_1', 'sub_3'].entries())
      eventIds.push((await r.xadd(`${p}events`, `${1000 + i}-0`, 'event', JSON.stringify({ type: 'click', subscriber_id: id, n: i })))!);
    await r.xgroup('CREATE', `${p}events`, 'learn', '0');
    await r.xreadgroup('GROUP', 'learn', 'c1', 'COUNT', 2, 'STREAMS', `${p}events`, '>');
    await r.xack(`${p}events`, 'learn', ...eventIds.slice(0, 2));
    await r.set(`${p}auth:session:sess_1`, JSON.stringify({ id: 'sess_1', user_id: 'u1', created_at: 1 }), 'EX', 3600);
    await r.hset(`${p}schedules`, 'morning', JSON.stringify({ name: 'morning' }));
    await r.set(`${p}schedules:version`, '3');
    const oldQueue = new Queue(queueNames.sendBatch, { connection: t.queueConnection, prefix: t.config.QUEUE_PREFIX });
    await oldQueue.add('send-batch', { edition_id: 'ed_1' }, { jobId: 'send__b9' });
    await oldQueue.close();

    expect(await needsMigration(t.db)).toBe(true);
    const report = await migrateLayout(t.db, t.queueConnection, t.config.QUEUE_PREFIX, t.log);
    expect(report).toMatchObject({ split: 1, jobs: 1, subscribers: 40, conflicts: [] });

    for (const id of readers) {
      expect((await getSubscriber(t.db, id))?.email).toBe(`${id}@example.com`);
      expect(await r.get(t.db.keys.profile(id))).toBe(JSON.stringify({ v: 1, features: {}, updated_at: 0 }));
      expect((await r.smembers(t.db.keys.sentArticles(id))).sort()).toEqual(['art_1', 'art_2']);
    }
    expect((await findSubscriberByEmail(t.db, 'sub_7@example.com'))?.id).toBe('sub_7');
    expect((await getDeliveries(t.db, 'ed_1', readers)).every((d) => d?.status === 'sent')).toBe(true);
    expect(await editionSummary(t.db, 'ed_1')).toMatchObject({ planned: 40, sent: 40, queued: 0 });
    // Each reader's events in its shard, in order, and the learner goes on where it stood.
    const sub1 = (await r.xrange(t.db.keys.readerEvents('sub_1'), '-', '+')).filter(([, f]) => f[1]!.includes('"sub_1"'));
    expect(sub1.map(([id]) => id)).toEqual([eventIds[0], eventIds[2]]);
    const next = await Promise.all(
      t.db.keys.eventStreams.map(
        (s) =>
          r.xreadgroup('GROUP', 'learn', 'c2', 'COUNT', 10, 'STREAMS', s, '>') as Promise<Array<
            [string, Array<[string, string[]]>]
          > | null>,
      ),
    );
    expect(
      next
        .flatMap((reply) => reply?.[0]?.[1] ?? [])
        .map(([id]) => id)
        .sort(),
    ).toEqual(eventIds.slice(2));
    expect(report.events).toBe(4);
    expect((await getSession(t.db, 'sess_1'))?.user_id).toBe('u1');
    expect(await r.ttl(t.db.keys.authSession('sess_1'))).toBeGreaterThan(3000);
    expect(await r.get(t.db.keys.schedulesVersion)).toBe('3');
    expect((await r.hkeys(t.db.keys.schedules)).sort()).toEqual(['morning']);
    const newQueue = new Queue(queueNames.sendBatch, {
      connection: t.queueConnection,
      prefix: queuePrefix(t.config.QUEUE_PREFIX, queueNames.sendBatch),
    });
    expect((await newQueue.getJob('send__b9'))?.data).toEqual({ edition_id: 'ed_1' });
    await newQueue.close();
    // Nothing is left under an old name, and a second run moves nothing.
    for (const old of [
      `${p}subscribers`,
      `${p}{subscribers}`,
      `${p}profile:sub_1`,
      `${p}delivery:ed_1`,
      `${p}schedules`,
      `${p}auth:session:sess_1`,
    ])
      expect(await r.exists(old)).toBe(0);
    expect(await r.get(layoutKey(t.db))).toBe(LAYOUT_VERSION);
    expect(await migrateLayout(t.db, t.queueConnection, t.config.QUEUE_PREFIX, t.log)).toMatchObject({ alreadyDone: true, renamed: 0 });
  });

  it("moves subscriber records from the one {subscribers} hash into their readers' buckets, even after a cut-off run", async () => {
    const p = t.config.REDIS_PREFIX;
    const r = t.db.redis;
    const readers = Array.from({ length: 300 }, (_, i) => `sub_${i}`);
    // Layout 2: the records in one hash, the indexes beside it.
    for (const id of readers) {
      await r.hset(`${p}{subscribers}`, id, subscriber(id, `${id}@example.com`));
      await r.hset(t.db.keys.subscribersByEmail, `${id}@example.com`, id);
      await r.zadd(t.db.keys.subscribersByCreated, 1, id);
    }
    await r.set(layoutKey(t.db), '2');
    // A first run was cut off: sub_0's record reached its bucket (and was then changed there) but stayed in the old hash.
    const changed = JSON.stringify({ ...JSON.parse(subscriber('sub_0', 'sub_0@example.com')), status: 'unsubscribed' });
    await r.hset(t.db.keys.subscriber('sub_0'), 'sub_0', changed);

    expect(await needsMigration(t.db)).toBe(true);
    expect(await migrateLayout(t.db, t.queueConnection, t.config.QUEUE_PREFIX, t.log)).toMatchObject({ subscribers: 300, renamed: 0 });
    expect(await r.exists(`${p}{subscribers}`)).toBe(0);
    for (const id of readers) expect((await getSubscriber(t.db, id))?.email).toBe(`${id}@example.com`);
    expect((await getSubscriber(t.db, 'sub_0'))?.status).toBe('unsubscribed');
    expect((await findSubscriberByEmail(t.db, 'sub_9@example.com'))?.id).toBe('sub_9');
    const page = await planningPage(t.db, 0, 1000);
    expect(page.entries.filter((e) => e !== null)).toHaveLength(300);
    expect(await r.get(layoutKey(t.db))).toBe(LAYOUT_VERSION);
    expect(await needsMigration(t.db)).toBe(false);
    expect(await migrateLayout(t.db, t.queueConnection, t.config.QUEUE_PREFIX, t.log)).toMatchObject({ alreadyDone: true, subscribers: 0 });
  });

  it('moves sign-in users from the one {auth-users} hash to a key each under their own tag, even after a cut-off run', async () => {
    const p = t.config.REDIS_PREFIX;
    const r = t.db.redis;
    const user = (id: string, email: string) =>
      JSON.stringify({
        id,
        aud: 'authenticated',
        role: 'authenticated',
        email,
        email_confirmed_at: null,
        last_sign_in_at: null,
        app_metadata: { provider: 'email', providers: ['email'] },
        user_metadata: {},
        created_at: '2026-01-01T00:00:00.000Z',
        updated_at: '2026-01-01T00:00:00.000Z',
      });
    for (const i of [1, 2, 3]) {
      await r.hset(`${p}{auth-users}`, `u${i}`, user(`u${i}`, `reader${i}@example.com`));
      await r.hset(t.db.keys.authUsersByEmail, `reader${i}@example.com`, `u${i}`);
    }
    await r.set(layoutKey(t.db), '3');
    // A first run was cut off after copying u1, which then signed in again (its copy is newer than the hash's).
    await r.set(
      t.db.keys.authUser('u1'),
      user('u1', 'reader1@example.com').replace('"last_sign_in_at":null', '"last_sign_in_at":"2026-02-01T00:00:00.000Z"'),
    );

    expect(await needsMigration(t.db)).toBe(true);
    expect(await migrateLayout(t.db, t.queueConnection, t.config.QUEUE_PREFIX, t.log)).toMatchObject({ users: 3, subscribers: 0 });
    expect(await r.exists(`${p}{auth-users}`)).toBe(0);
    expect((await findUserByEmail(t.db, 'reader2@example.com'))?.id).toBe('u2');
    expect((await getAuthUser(t.db, 'u3'))?.email).toBe('reader3@example.com');
    expect((await getAuthUser(t.db, 'u1'))?.last_sign_in_at).toBe('2026-02-01T00:00:00.000Z');
    expect(await needsMigration(t.db)).toBe(false);
  });

  it('marks a fresh installation as current without moving anything', async () => {
    expect(await needsMigration(t.db)).toBe(false);
    expect(await migrateLayout(t.db, t.queueConnection, t.config.QUEUE_PREFIX, t.log)).toMatchObject({ alreadyDone: true });
  });
});

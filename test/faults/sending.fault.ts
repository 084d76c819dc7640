// Exactly once under faults: the worker killed with SIGKILL mid-edition and restarted, Redis restarted
// mid-edition. Every reader gets one email, counted at the local Resend server (keys de-duplicated as
// Resend does), none is missing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startPrivateRedis, type RedisTarget } from '../../node/private-redis';
import { editionSummary } from '../../src/store/deliveries';
import { putSchedule } from '../../src/store/schedules';
import { setSubscriberStatus } from '../../src/store/subscribers';
import { saveArticles } from '../../src/store/articles';
import type { Article } from '../../src/contracts';
import { openQueues, queueNames } from '../../workers/queues';
import { startTestWorkers } from '../fixtures/workers';
import { FakeResend } from '../fixtures/resend-server';
import { createSubscribers } from '../fixtures/subscribers';
import { seedArticles } from '../fixtures/articles';
import { startWorkerProcess, type WorkerProcess } from '../fixtures/worker-process';
import { testEnv, type TestEnv } from '../helpers';

const EDITION = 'morning-2026-11-23';
const AT = Date.parse('2026-11-23T06:00:00Z');

let t: TestEnv | undefined;
let resend: FakeResend | undefined;
let worker: WorkerProcess | undefined;
let redis: RedisTarget | undefined;
const dirs: string[] = [];

afterEach(async () => {
  await worker?.kill();
  await resend?.close();
  await t?.cleanup().catch(() => {});
  await redis?.stop?.();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  worker = resend = t = redis = undefined;
});

/** An article newer than every sample, on a topic nobody muted: it would lead a briefing composed now. */
function freshArticle(): Article {
  return {
    id: 'fresh-article-during-the-edition',
    source: 'field-notes',
    url: 'https://example.com/fresh-during-the-edition',
    title: 'A story that broke while the edition was going out',
    summary: 'Published after the first batch was accepted and before its retry.',
    author: null,
    published_at: new Date(AT - 60_000).toISOString(),
    topics: ['news'],
    content_type: 'news',
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

function expectExactlyOnce(fake: FakeResend, count: number) {
  expect(fake.duplicates()).toEqual([]);
  expect(fake.perRecipient.size).toBe(count);
  for (let i = 0; i < count; i++) expect(fake.perRecipient.get(`reader${i}@example.com`), `reader${i}`).toBe(1);
}

/** Each article a reader was sent left exactly one `delivered` event (the learner's signal), however often its batch ran. */
async function expectDeliveredOnce(t: TestEnv, subscriberIds: readonly string[]) {
  const seen = new Map<string, number>();
  for (const stream of t.db.keys.eventStreams) {
    let from = '-';
    for (;;) {
      const rows = await t.db.redis.xrange(stream, from, '+', 'COUNT', 5000);
      for (const [, fields] of rows) {
        const event = JSON.parse(fields[fields.indexOf('event') + 1]!) as {
          type: string;
          subscriber_id: string;
          edition_id: string;
          article_id: string;
        };
        if (event.type !== 'delivered' || event.edition_id !== EDITION) continue;
        const key = `${event.subscriber_id} ${event.article_id}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
      if (rows.length < 5000) break;
      from = `(${rows.at(-1)![0]}`;
    }
  }
  expect([...seen].filter(([, n]) => n > 1)).toEqual([]);
  let expected = 0;
  for (const id of subscriberIds) {
    const sent = await t.db.redis.smembers(t.db.keys.sentArticles(id));
    expected += sent.length;
    for (const article of sent) expect(seen.get(`${id} ${article}`), `${id} ${article}`).toBe(1);
  }
  expect(expected).toBeGreaterThan(0);
  expect(seen.size).toBe(expected);
}

describe('sending under faults', () => {
  it('sends every reader exactly one email although the worker is killed with SIGKILL five times and the provider answers 30% 429/500/silence', async () => {
    const readers = 3000;
    resend = new FakeResend({ rateLimit: 4, latencyMs: 40, faultRate: 0.3, firstFaults: 3 });
    const url = await resend.start();
    t = testEnv({
      RESEND_API_KEY: 're_test_key',
      RESEND_BASE_URL: url,
      SEND_RATE_LIMIT: '4',
      SEND_BACKOFF_MS: '100',
      SEND_ATTEMPTS: '30',
      SEND_LOCK_MS: '2000',
      SEND_TIMEOUT_MS: '2000',
    });
    await seedArticles(t.db);
    const ids = await createSubscribers(t.db, readers);
    await putSchedule(t.db, { name: 'morning', cron: '0 7 * * 1-5', tz: 'Europe/Berlin' }, t.now());
    const queues = openQueues(t.queueConnection, t.config.QUEUE_PREFIX);
    await queues.planEdition.add(queueNames.planEdition, { schedule: 'morning', at: AT, now: false }, { jobId: 'plan__morning__fault' });
    await queues.close();

    const env = { ...t.env, LOG_LEVEL: 'warn' } as Record<string, string>;
    let kills = 0;
    const killedAt: number[] = [];
    while (kills < 5) {
      worker = startWorkerProcess(env);
      await worker.ready;
      // The last reader leaves while the edition is being sent, long before their batch is due.
      if (kills === 0) await setSubscriberStatus(t.db, ids[readers - 1]!, 'unsubscribed');
      // Kill while the edition is under way: once this worker has had a batch accepted (how long that takes depends on
      // the machine, so a fixed sleep could land every kill before the first batch), at a random moment after it.
      const before = resend.accepted.length;
      if (before < readers - 1) await until('a batch accepted by this worker', async () => resend!.accepted.length > before, 30_000);
      await sleep(Math.random() * 800);
      killedAt.push(resend.accepted.length);
      await worker.kill('SIGKILL');
      kills++;
    }
    worker = startWorkerProcess(env);
    await worker.ready;
    // The reader who left may have been skipped at planning or at sending, depending on timing.
    await until(
      'every delivery to settle',
      async () => {
        const s = await editionSummary(t!.db, EDITION);
        return s !== null && s.planning_done && s.planned + (s.skipped === 0 ? 1 : 0) === readers && s.queued === 0;
      },
      180_000,
    );

    // The kills landed while the edition was being sent, not before or after it.
    expect(killedAt.some((n) => n > 0 && n < readers)).toBe(true);
    expect(await editionSummary(t.db, EDITION)).toMatchObject({ sent: readers - 1, failed: 0, queued: 0 });
    expect(resend.perRecipient.has(`reader${readers - 1}@example.com`)).toBe(false);
    expectExactlyOnce(resend, readers - 1);
    await expectDeliveredOnce(t, ids);
    expect(resend.stats.injected429 * resend.stats.injected500 * resend.stats.hung).toBeGreaterThan(0);
  });

  it('records a batch the provider accepted as sent although the worker died before it heard the answer and the retry met a 429', async () => {
    const readers = 300;
    let restarted: Promise<void> | undefined;
    let firstKey: string | null = null;
    let replays429 = 0;
    const env = () => ({ ...t!.env, LOG_LEVEL: 'warn' }) as Record<string, string>;
    resend = new FakeResend({
      rateLimit: 2,
      // The provider has the first batch; the worker dies before the answer reaches it and is started again at once,
      // while a feed brings a new article (what the batch would hold if it were composed afresh changes).
      afterAccept: async (n, key) => {
        if (n !== 1) return;
        firstKey = key;
        await worker!.kill('SIGKILL');
        await saveArticles(t!.db, [freshArticle()]);
        worker = startWorkerProcess(env());
        restarted = worker.ready;
      },
      // The retry of that batch is first told to wait, as a busy provider does.
      injectFault: (key) => (key !== null && key === firstKey && replays429++ === 0 ? 'rate_limited' : null),
    });
    const url = await resend.start();
    t = testEnv({
      RESEND_API_KEY: 're_test_key',
      RESEND_BASE_URL: url,
      SEND_RATE_LIMIT: '2',
      SEND_LOCK_MS: '2000',
      SEND_TIMEOUT_MS: '5000',
    });
    await seedArticles(t.db);
    const ids = await createSubscribers(t.db, readers);
    await putSchedule(t.db, { name: 'morning', cron: '0 7 * * 1-5', tz: 'Europe/Berlin' }, t.now());
    worker = startWorkerProcess(env());
    await worker.ready;
    const queues = openQueues(t.queueConnection, t.config.QUEUE_PREFIX);
    await queues.planEdition.add(queueNames.planEdition, { schedule: 'morning', at: AT, now: true }, { jobId: 'plan__morning__now' });
    await queues.close();
    await until('the worker to be killed and started again', async () => restarted !== undefined, 60_000);
    await restarted;
    await until(
      'every delivery to settle',
      async () => {
        const s = await editionSummary(t!.db, EDITION);
        return s !== null && s.planning_done && s.planned === readers && s.queued === 0;
      },
      60_000,
    );
    expect(replays429).toBeGreaterThan(1); // the batch was retried after its 429
    expectExactlyOnce(resend, readers);
    expect(await editionSummary(t.db, EDITION)).toMatchObject({ planned: readers, sent: readers, failed: 0, skipped: 0 });
    expect(resend.stats.conflicts).toBe(0); // the retry sent the very request the provider had, not a new one under its key
    await expectDeliveredOnce(t, ids);
  });

  it('sends every reader exactly one email although Redis restarts mid-edition', async () => {
    const readers = 2000;
    const dir = mkdtempSync(join(tmpdir(), 'tidings-fault-redis-'));
    dirs.push(dir);
    redis = await startPrivateRedis(dir, null);
    const port = Number(new URL(redis.url).port);
    resend = new FakeResend({ rateLimit: 5, latencyMs: 30 });
    const url = await resend.start();
    t = testEnv({
      REDIS_URL: redis.url,
      RESEND_API_KEY: 're_test_key',
      RESEND_BASE_URL: url,
      SEND_RATE_LIMIT: '5',
      SEND_BACKOFF_MS: '200',
      SEND_ATTEMPTS: '50',
      SEND_LOCK_MS: '2000',
      SEND_TIMEOUT_MS: '2000',
    });
    await seedArticles(t.db);
    const ids = await createSubscribers(t.db, readers);
    await putSchedule(t.db, { name: 'morning', cron: '0 7 * * 1-5', tz: 'Europe/Berlin' }, t.now());
    const workers = await startTestWorkers(t);
    try {
      await workers.queues.planEdition.add(
        queueNames.planEdition,
        { schedule: 'morning', at: AT, now: false },
        { jobId: 'plan__morning__fault' },
      );
      await until('sending to be under way', async () => resend!.accepted.length >= 300, 30_000);
      await redis.stop!();
      await sleep(1000);
      redis = await startPrivateRedis(dir, null, port);
      await until(
        'every delivery to settle',
        async () => {
          const s = await editionSummary(t!.db, EDITION);
          return s !== null && s.planning_done && s.planned === readers && s.queued === 0;
        },
        180_000,
      );
    } finally {
      await workers.close();
    }
    expect(await editionSummary(t.db, EDITION)).toMatchObject({ planned: readers, sent: readers, failed: 0 });
    expectExactlyOnce(resend, readers);
    await expectDeliveredOnce(t, ids);
  });
});

// Scheduled editions through a local server that speaks Resend's API: planning, batches, exactly once.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningWorkers } from '../workers/index';
import { startTestWorkers } from './fixtures/workers';
import { seedDemo } from '../workers/seed-demo';
import { planSchedule } from '../workers/plan-edition';
import { claimDeliveries, editionSummary, getDelivery, getDeliveries, registerEdition } from '../src/store/deliveries';
import { listOutbox } from '../src/store/outbox';
import type { Job } from 'bullmq';
import { createMailTransport } from '../workers/mail/transport';
import { sendBatchProcessor } from '../workers/send-batch';
import { seedArticles } from './fixtures/articles';
import { putSchedule } from '../src/store/schedules';
import { getSubscribers, setSubscriberStatus } from '../src/store/subscribers';
import { getProfile, learnStats, loadPopularity } from '../src/store/interest';
import { composeBriefing } from '../workers/briefing/compose-briefing';
import { createFastBriefingRenderer } from '../emails/fast-briefing';
import { readerEventSchema, type ReaderEvent, type Schedule } from '../src/contracts';
import { FakeResend } from './fixtures/resend-server';
import { createSubscribers } from './fixtures/subscribers';
import { testEnv, type TestEnv } from './helpers';
import { allEvents as allStoredEvents } from '../src/store/events';

let t: TestEnv | undefined;
let workers: RunningWorkers | undefined;
let resend: FakeResend | undefined;

afterEach(async () => {
  await workers?.close();
  await resend?.close();
  await t?.cleanup();
  workers = resend = t = undefined;
});

async function setup(options: { faultRate?: number; firstFaults?: number; rateLimit?: number; invalidDomain?: string } = {}) {
  resend = new FakeResend({
    rateLimit: options.rateLimit ?? 50,
    faultRate: options.faultRate ?? 0,
    firstFaults: options.firstFaults,
    invalidDomain: options.invalidDomain,
  });
  const url = await resend.start();
  t = testEnv({
    RESEND_API_KEY: 're_test_key',
    RESEND_BASE_URL: url,
    SEND_BACKOFF_MS: '20',
    SEND_ATTEMPTS: '30',
    SEND_TIMEOUT_MS: '1500',
    SEND_RATE_LIMIT: String(options.rateLimit ?? 50),
    SEND_CONCURRENCY: '4',
  });
  workers = await startTestWorkers(t);
  await seedDemo(t.db, workers.queues, t.queueConnection, t.config.QUEUE_PREFIX, t.log, t.now());
  return { t, workers, resend };
}

async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every event in the stream, oldest first. */
async function allEvents(t: TestEnv): Promise<ReaderEvent[]> {
  return (await allStoredEvents(t.db)).map((event) => readerEventSchema.parse(event));
}

const morning = (tz = 'Europe/Berlin'): Schedule => ({
  name: 'morning',
  cron: '0 7 * * 1-5',
  tz,
  paused: false,
  updated_at: '2026-11-20T00:00:00.000Z',
});
const at = new Date('2026-11-23T06:00:00Z'); // Monday 07:00 in Berlin

describe('composing for real readers', () => {
  it('is deterministic, and the fast renderer equals the whole template for randomly picked readers', async () => {
    const { t } = await setup();
    const ids = await createSubscribers(t.db, 40, { timezone: (i) => ['UTC', 'Asia/Tokyo', 'America/New_York'][i % 3]! });
    const subscribers = await getSubscribers(t.db, ids);
    const deps = { config: t.config, db: t.db, signer: t.signer };
    const fast = createFastBriefingRenderer();
    const sentAt = new Date('2026-11-23T06:00:00Z');
    for (let n = 0; n < 8; n++) {
      const reader = subscribers[Math.floor(Math.random() * subscribers.length)]!;
      const naive = await composeBriefing(deps, reader, 'morning-2026-11-23', sentAt);
      expect(await composeBriefing(deps, reader, 'morning-2026-11-23', sentAt)).toEqual(naive);
      expect(await composeBriefing(deps, reader, 'morning-2026-11-23', sentAt, fast), reader.id).toEqual(naive);
    }
  });
});

describe('sending an edition', () => {
  it('sends every active reader exactly one briefing in batches of at most 100, and skips the ones who left', async () => {
    const { t, workers, resend } = await setup({ invalidDomain: 'invalid.test' });
    const ids = await createSubscribers(t.db, 250, { email: (i) => (i === 7 ? `reader${i}@invalid.test` : `reader${i}@example.com`) });
    await setSubscriberStatus(t.db, ids[3]!, 'unsubscribed');
    await setSubscriberStatus(t.db, ids[4]!, 'suppressed');
    await putSchedule(t.db, { name: 'morning', cron: '0 7 * * 1-5', tz: 'Europe/Berlin' }, t.now());

    const plan = await planSchedule({ db: t.db, log: t.log, now: t.now, sendQueue: workers.queues.sendBatch }, morning(), at, {
      now: false,
    });
    expect(plan).toMatchObject({ editions: ['morning-2026-11-23'], planned: 248, batches: 3 });
    await until('the edition to finish', async () => (await editionSummary(t.db, 'morning-2026-11-23'))!.queued === 0);

    expect(await editionSummary(t.db, 'morning-2026-11-23')).toMatchObject({
      planned: 248,
      sent: 247,
      failed: 1,
      skipped: 0,
      queued: 0,
      planning_done: true,
    });
    expect(resend.duplicates()).toEqual([]);
    expect(resend.perRecipient.size).toBe(247);
    expect(resend.perRecipient.has('reader3@example.com')).toBe(false);
    expect(resend.perRecipient.has('reader4@example.com')).toBe(false);
    const invalid = await getDelivery(t.db, 'morning-2026-11-23', ids[7]!);
    expect(invalid).toMatchObject({ status: 'failed', reason: expect.stringMatching(/Invalid `to` field/) });
    const sent = await getDelivery(t.db, 'morning-2026-11-23', ids[0]!);
    expect(sent).toMatchObject({ status: 'sent', message_id: resend.accepted.find((a) => a.to === 'reader0@example.com')!.id });
    // Three requests, each one batch with its own idempotency key.
    expect(new Set(resend.accepted.map((a) => a.idempotencyKey)).size).toBe(3);

    // Planning the same edition again plans nothing new and sends nothing.
    const again = await planSchedule({ db: t.db, log: t.log, now: t.now, sendQueue: workers.queues.sendBatch }, morning(), at, {
      now: true,
    });
    expect(again.planned).toBe(0);
    expect((await editionSummary(t.db, 'morning-2026-11-23'))!.planned).toBe(248);
  });

  it('delivers every reader exactly once while the provider answers 30% with 429, 500 or silence', async () => {
    const { t, workers, resend } = await setup({ faultRate: 0.3, firstFaults: 3 });
    await createSubscribers(t.db, 600);
    await planSchedule({ db: t.db, log: t.log, now: t.now, sendQueue: workers.queues.sendBatch }, morning(), at, { now: false });
    await until('the edition to finish', async () => (await editionSummary(t.db, 'morning-2026-11-23'))!.queued === 0, 60_000);
    expect(await editionSummary(t.db, 'morning-2026-11-23')).toMatchObject({ planned: 600, sent: 600, failed: 0 });
    expect(resend.duplicates()).toEqual([]);
    expect(resend.perRecipient.size).toBe(600);
    expect(resend.stats.injected429).toBeGreaterThan(0);
    expect(resend.stats.injected500).toBeGreaterThan(0);
    expect(resend.stats.hung).toBeGreaterThan(0);
  }, 90_000);

  it("plans a per-reader time zone schedule into each reader's local 07:00, one edition per local date", async () => {
    const { t, workers } = await setup();
    const zones = ['Europe/Berlin', 'America/New_York', 'Asia/Tokyo'];
    const ids = await createSubscribers(t.db, 30, { timezone: (i) => zones[i % 3]! });
    const deps = { db: t.db, log: t.log, now: t.now, sendQueue: workers.queues.sendBatch };
    const schedule = morning('subscriber');
    // 06:00 UTC on Monday: 07:00 in Berlin only.
    const berlin = await planSchedule(deps, schedule, new Date('2026-11-23T06:00:00Z'), { now: false });
    expect(berlin).toMatchObject({ editions: ['morning-2026-11-23'], planned: 10 });
    // 12:00 UTC: 07:00 in New York, same local date, same edition.
    const newYork = await planSchedule(deps, schedule, new Date('2026-11-23T12:00:00Z'), { now: false });
    expect(newYork).toMatchObject({ editions: ['morning-2026-11-23'], planned: 10 });
    // 22:00 UTC on Monday: 07:00 on Tuesday in Tokyo, a new edition.
    const tokyo = await planSchedule(deps, schedule, new Date('2026-11-23T22:00:00Z'), { now: false });
    expect(tokyo).toMatchObject({ editions: ['morning-2026-11-24'], planned: 10 });
    const records = await getDeliveries(t.db, 'morning-2026-11-23', ids);
    expect(records.filter((r) => r !== null)).toHaveLength(20);
  });

  it('sends nothing to a reader who unsubscribes after planning, before their batch goes', async () => {
    const { t, workers, resend } = await setup();
    const ids = await createSubscribers(t.db, 120);
    await workers.queues.sendBatch.pause();
    await planSchedule({ db: t.db, log: t.log, now: t.now, sendQueue: workers.queues.sendBatch }, morning(), at, { now: false });
    await setSubscriberStatus(t.db, ids[110]!, 'unsubscribed');
    await workers.queues.sendBatch.resume();
    await until('the edition to finish', async () => (await editionSummary(t.db, 'morning-2026-11-23'))!.queued === 0);
    expect(resend.perRecipient.has('reader110@example.com')).toBe(false);
    expect(await getDelivery(t.db, 'morning-2026-11-23', ids[110]!)).toMatchObject({
      status: 'skipped',
      reason: 'the subscriber is unsubscribed',
    });
    expect(await editionSummary(t.db, 'morning-2026-11-23')).toMatchObject({ sent: 119, skipped: 1 });
  });
});

describe('what a sent edition teaches', () => {
  it('leaves one delivered event per article each reader received, which the learner weighs as "delivered, not clicked" and popularity counts as deliveries', async () => {
    const { t, workers } = await setup();
    const ids = await createSubscribers(t.db, 5);
    await planSchedule({ db: t.db, log: t.log, now: t.now, sendQueue: workers.queues.sendBatch }, morning(), at, { now: false });
    await until('the edition to finish', async () => (await editionSummary(t.db, 'morning-2026-11-23'))!.queued === 0);
    expect(await editionSummary(t.db, 'morning-2026-11-23')).toMatchObject({ sent: 5 });

    const delivered = (await allEvents(t)).filter((e) => e.type === 'delivered');
    const readersPerArticle = new Map<string, number>();
    for (const id of ids) {
      const sent = await t.db.redis.smembers(t.db.keys.sentArticles(id));
      expect(sent).toHaveLength(10);
      const mine = delivered.filter((e) => e.subscriber_id === id);
      expect(mine.map((e) => e.article_id).sort()).toEqual([...sent].sort());
      expect(mine.map((e) => e.position)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(mine.every((e) => e.edition_id === 'morning-2026-11-23' && e.kind === null && e.suspected_bot === false)).toBe(true);
      for (const article of sent) readersPerArticle.set(article, (readersPerArticle.get(article) ?? 0) + 1);
    }
    expect(delivered).toHaveLength(50);

    // The learner (started with the workers) applies each as a weak negative that is no evidence of interest.
    await until('the learner to apply every delivery', async () => (await learnStats(t.db)).applied === 50);
    const profile = (await getProfile(t.db, ids[0]!))!;
    expect(profile).toMatchObject({ signals: 10, evidence: 0 });
    const weights = Object.values(profile.weights);
    expect(weights.length).toBeGreaterThan(0);
    expect(weights.every((w) => w < 0)).toBe(true);

    // Popularity counts them as deliveries: the denominator of each article's click-through.
    const popularity = await loadPopularity(t.db, [...readersPerArticle.keys()], Date.now());
    for (const [article, readers] of readersPerArticle)
      expect(popularity.byArticle.get(article)?.delivered, article).toBeCloseTo(readers, 3);
  });

  it("appends a batch's delivered events once, even when a retry finds the batch already finished", async () => {
    t = testEnv();
    await seedArticles(t.db);
    const ids = await createSubscribers(t.db, 3);
    const edition = 'ed-retried';
    const data = { edition_id: edition, batch_id: `${edition}__p0`, subscriber_ids: ids, sent_at: at.getTime() };
    await registerEdition(t.db, edition, null, t.now());
    await claimDeliveries(t.db, edition, data.batch_id, ids, t.now());
    const outbox = createMailTransport(t.config, t.db, t.now);
    let stored: Buffer | null = null;
    const send = sendBatchProcessor({
      config: t.config,
      db: t.db,
      signer: t.signer,
      log: t.log,
      now: t.now,
      renderer: createFastBriefingRenderer(),
      onTooManyRequests: async () => {},
      // Keep the request the batch stored before it went out, to play a worker that died before clearing it.
      transport: {
        ...outbox,
        sendBatch: async (emails, key) => (
          (stored = await t!.db.redis.getBuffer(t!.db.keys.pendingBatch(data.batch_id))),
          outbox.sendBatch(emails, key)
        ),
      },
    });
    const job = { data, timestamp: at.getTime() } as Job;
    expect(await send(job)).toMatchObject({ sent: 3 });
    const once = (await allEvents(t)).filter((e) => e.type === 'delivered');
    expect(once).toHaveLength(30);

    // The worker finished the batch and died before clearing its stored request: the retry sends it again.
    expect(stored).not.toBeNull();
    await t.db.redis.set(t.db.keys.pendingBatch(data.batch_id), stored!);
    await send(job);
    expect(await listOutbox(t.db)).toHaveLength(3);
    expect((await allEvents(t)).filter((e) => e.type === 'delivered')).toEqual(once);
    expect(await editionSummary(t.db, edition)).toMatchObject({ planned: 3, sent: 3, queued: 0 });
  });
});

// The thin slice end to end on real Redis and real BullMQ: ingest → rank → plan → render → send → redirect.
import { QueueEvents } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningWorkers } from '../workers/index';
import { startTestWorkers } from './fixtures/workers';
import { seedDemo } from '../workers/seed-demo';
import { queueNames, queuePrefix } from '../workers/queues';
import { planBatch } from '../workers/plan-edition';
import { listQuarantine, recentArticles } from '../src/store/articles';
import { listOutbox } from '../src/store/outbox';
import { getDelivery, registerEdition } from '../src/store/deliveries';
import { ensureSubscriber } from '../src/store/subscribers';
import { recentEvents } from '../src/store/events';
import { testApp, testEnv, type TestEnv } from './helpers';

let t: TestEnv;
let workers: RunningWorkers;
let events: QueueEvents;

beforeEach(async () => {
  t = testEnv();
  workers = await startTestWorkers(t);
  events = new QueueEvents(queueNames.sendBatch, {
    connection: t.queueConnection,
    prefix: queuePrefix(t.config.QUEUE_PREFIX, queueNames.sendBatch),
  });
  await events.waitUntilReady();
});

afterEach(async () => {
  await events.close();
  await workers.close();
  await t.cleanup();
});

/** Plan a one-reader batch of `edition` and wait for the batch sender to finish it. */
async function sendBriefing(email: string, edition: string) {
  const { subscriber } = await ensureSubscriber(t.db, { email }, t.now());
  await registerEdition(t.db, edition, null, t.now());
  const { jobId } = await planBatch(
    { db: t.db, now: t.now, sendQueue: workers.queues.sendBatch },
    { editionId: edition, batchId: `${edition}__p0`, subscriberIds: [subscriber.id], sentAt: t.now().getTime() },
  );
  const job = (await workers.queues.sendBatch.getJob(jobId!))!;
  const result = await job.waitUntilFinished(events, 20_000);
  return { subscriber, result, delivery: await getDelivery(t.db, edition, subscriber.id) };
}

const hrefs = (html: string) => [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));

describe('the thin slice', () => {
  it('ingests the shipped feeds, quarantining what fails the contract with its reason', async () => {
    const seeded = await seedDemo(t.db, workers.queues, t.queueConnection, t.config.QUEUE_PREFIX, t.log, t.now());
    expect(seeded).toEqual({ seeded: true, stored: 34, quarantined: 2 });
    const quarantine = await listQuarantine(t.db);
    expect(quarantine.map((q) => q.reasons[0])).toEqual(
      expect.arrayContaining([expect.stringMatching(/^content_type is missing/), expect.stringMatching(/^url must be an absolute http/)]),
    );
    // A second start seeds nothing again.
    expect(await seedDemo(t.db, workers.queues, t.queueConnection, t.config.QUEUE_PREFIX, t.log, t.now())).toEqual({
      seeded: false,
      stored: 0,
      quarantined: 0,
    });
  });

  it('sends a briefing whose every article link redirects to the article itself', async () => {
    await seedDemo(t.db, workers.queues, t.queueConnection, t.config.QUEUE_PREFIX, t.log, t.now());
    const { subscriber, result, delivery } = await sendBriefing('Reader@Example.com', 'ed-1');
    expect(result).toMatchObject({ sent: 1, articles: 10, failed: 0, skipped: 0 });
    expect(delivery).toMatchObject({ status: 'sent' });

    const [message, ...others] = await listOutbox(t.db);
    expect(others).toEqual([]);
    expect(message).toMatchObject({
      to: ['reader@example.com'],
      from: t.config.MAIL_FROM,
      subject: expect.stringMatching(/^Your briefing: .+, and 9 more$/),
    });
    expect(message!.text).toMatch(/your tidings briefing/i);

    const honeypot = hrefs(message!.html).filter((h) => message!.html.includes(`href="${h}" style="display:none`));
    expect(honeypot).toHaveLength(1); // the hidden link only scanners follow (test/briefing-links.test.ts covers it)
    const links = hrefs(message!.html).filter((h) => h.startsWith(`${t.config.PUBLIC_BASE_URL}/c/`) && h !== honeypot[0]);
    expect(links.length).toBe(11); // ten articles and the latest post
    const articles = await recentArticles(t.db, 100);
    const byUrl = new Map(articles.map((a) => [a.url, a]));
    const { app, recorder } = testApp(t);
    for (const link of links) {
      const response = await app.request(link.slice(t.config.PUBLIC_BASE_URL.length));
      expect(response.status).toBe(302);
      expect(response.headers.get('cache-control')).toBe('private, no-store');
      const article = byUrl.get(response.headers.get('location')!);
      expect(article, response.headers.get('location')!).toBeDefined();
      expect(article!.content_type).not.toBe('internal');
    }
    await recorder.flush();
    const clicks = (await recentEvents(t.db)).filter((e) => e.type === 'click');
    expect(clicks).toHaveLength(links.length);
    expect(clicks.every((c) => c.subscriber_id === subscriber.id && c.edition_id === 'ed-1')).toBe(true);
  });

  it('never mails an internal document, even when it is the newest item', async () => {
    await seedDemo(t.db, workers.queues, t.queueConnection, t.config.QUEUE_PREFIX, t.log, t.now());
    const newest = (await recentArticles(t.db, 1))[0]!;
    expect(newest.content_type).toBe('internal'); // the shipped feeds make sure of this
    await sendBriefing('reader@example.com', 'ed-1');
    const [message] = await listOutbox(t.db);
    expect(message!.html).not.toContain(newest.title);
    expect(message!.text).not.toContain(newest.title);
  });

  it('picks the "latest post" footer only from content_type post, and never one the briefing lists', async () => {
    await seedDemo(t.db, workers.queues, t.queueConnection, t.config.QUEUE_PREFIX, t.log, t.now());
    await sendBriefing('reader@example.com', 'ed-1');
    const [message] = await listOutbox(t.db);
    const listed = new Set([...message!.text.matchAll(/^\d+\. (.+)$/gm)].map((m) => m[1]));
    expect(listed.size).toBeGreaterThan(0);
    const newestUnlisted = (await recentArticles(t.db, 100)).filter((a) => a.content_type === 'post').find((a) => !listed.has(a.title));
    expect(message!.text).toMatch(new RegExp(`^Latest post: ${newestUnlisted!.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  });

  it('sends each edition to a reader once, and never repeats an article in the next edition', async () => {
    await seedDemo(t.db, workers.queues, t.queueConnection, t.config.QUEUE_PREFIX, t.log, t.now());
    const first = await sendBriefing('reader@example.com', 'ed-1');
    expect(first.delivery).toMatchObject({ status: 'sent' });
    // Same edition again, in another batch: the reader's delivery record belongs to the first, so nobody is claimed.
    const replan = await planBatch(
      { db: t.db, now: t.now, sendQueue: workers.queues.sendBatch },
      { editionId: 'ed-1', batchId: 'ed-1__again', subscriberIds: [first.subscriber.id], sentAt: t.now().getTime() },
    );
    expect(replan).toEqual({ claimed: [], jobId: null });
    // The same batch again under a fresh job id: the delivery record stops a second send.
    const data = { edition_id: 'ed-1', batch_id: 'ed-1__p0', subscriber_ids: [first.subscriber.id], sent_at: t.now().getTime() };
    const again = await workers.queues.sendBatch.add(queueNames.sendBatch, data, { jobId: 'manual-retry' });
    expect(await again.waitUntilFinished(events, 20_000)).toEqual({ sent: 0, failed: 0, skipped: 0 });
    expect(await listOutbox(t.db)).toHaveLength(1);
    expect(await getDelivery(t.db, 'ed-1', first.subscriber.id)).toEqual(first.delivery);

    await sendBriefing('reader@example.com', 'ed-2');
    const [second, firstMessage] = await listOutbox(t.db);
    const firstLinks = new Set(hrefs(firstMessage!.html));
    const secondArticleLinks = hrefs(second!.html).filter((h) => h.includes('/c/'));
    expect(secondArticleLinks.some((h) => firstLinks.has(h))).toBe(false);
  });

  it('skips a reader when there is nothing new, and says so', async () => {
    const { result, delivery } = await sendBriefing('reader@example.com', 'ed-empty');
    expect(result).toEqual({ sent: 0, failed: 0, skipped: 1 });
    expect(delivery).toMatchObject({ status: 'skipped', reason: 'nothing new for this reader' });
    expect(await listOutbox(t.db)).toEqual([]);
  });
});

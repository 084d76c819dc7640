// The briefing job: compose one reader's briefing and send it, once per (edition, subscriber).
import { UnrecoverableError, type Job } from 'bullmq';
import { briefingJobSchema, type ReaderEvent } from '../src/contracts';
import type { Logger } from '../src/core/logger';
import type { Db } from '../src/store/keys';
import { getSubscriber } from '../src/store/subscribers';
import { composeBriefing, type ComposeDeps } from './briefing/compose-briefing';
import type { MailTransport } from './mail-transport';

export interface SendBriefingDeps extends ComposeDeps {
  transport: MailTransport;
  log: Logger;
  now: () => Date;
}

export type BriefingResult =
  | { status: 'sent'; message_id: string; articles: number }
  | { status: 'skipped'; reason: string };

export interface DeliveryRecord {
  status: 'sent' | 'skipped';
  message_id?: string;
  reason?: string;
  at: string;
}

export function sendBriefingProcessor(deps: SendBriefingDeps) {
  return async (job: Job): Promise<BriefingResult> => {
    const { subscriber_id, edition_id } = briefingJobSchema.parse(job.data);
    const subscriber = await getSubscriber(deps.db, subscriber_id);
    if (!subscriber) throw new UnrecoverableError(`subscriber ${subscriber_id} does not exist`);
    if (subscriber.status !== 'active') return record(deps.db, edition_id, subscriber_id, { status: 'skipped', reason: `subscriber is ${subscriber.status}`, at: deps.now().toISOString() });

    const existing = await getDelivery(deps.db, edition_id, subscriber_id);
    if (existing?.status === 'sent') return { status: 'skipped', reason: 'already sent in this edition' };

    // The job's creation time stands for "when this edition was sent", so a retry composes the same bytes.
    const briefing = await composeBriefing(deps, subscriber, edition_id, new Date(job.timestamp));
    if (!briefing) return record(deps.db, edition_id, subscriber_id, { status: 'skipped', reason: 'nothing new for this reader', at: deps.now().toISOString() });

    const sent = await deps.transport.send(briefing.email, `briefing/${edition_id}/${subscriber_id}`);
    const delivery: DeliveryRecord = { status: 'sent', message_id: sent.id, at: deps.now().toISOString() };
    const tx = deps.db.redis
      .multi()
      .sadd(deps.db.keys.sentArticles(subscriber_id), ...briefing.articleIds)
      .hset(deps.db.keys.delivery(edition_id), subscriber_id, JSON.stringify(delivery));
    // One `delivered` event per article, in the same transaction: the learner's weak "sent, not clicked" signal.
    for (const event of deliveredEvents(subscriber_id, edition_id, briefing.articleIds, delivery.at)) tx.xadd(deps.db.keys.events, '*', 'event', JSON.stringify(event));
    await tx.exec();
    deps.log.info({ edition: edition_id, subscriber: subscriber_id, message: sent.id, transport: sent.transport }, 'briefing sent');
    return { status: 'sent', message_id: sent.id, articles: briefing.articleIds.length };
  };
}

function deliveredEvents(subscriberId: string, editionId: string, articleIds: readonly string[], at: string): ReaderEvent[] {
  return articleIds.map((articleId, position) => ({
    type: 'delivered',
    subscriber_id: subscriberId,
    edition_id: editionId,
    article_id: articleId,
    kind: null,
    position,
    url: null,
    at,
    method: null,
    user_agent: null,
    ip: null,
    seconds_since_send: null,
    suspected_bot: false,
    bot_reasons: [],
  }));
}

export async function getDelivery(db: Db, editionId: string, subscriberId: string): Promise<DeliveryRecord | null> {
  const raw = await db.redis.hget(db.keys.delivery(editionId), subscriberId);
  return raw ? (JSON.parse(raw) as DeliveryRecord) : null;
}

async function record(db: Db, editionId: string, subscriberId: string, delivery: DeliveryRecord & { status: 'skipped' }): Promise<BriefingResult> {
  await db.redis.hset(db.keys.delivery(editionId), subscriberId, JSON.stringify(delivery));
  return { status: 'skipped', reason: delivery.reason ?? 'skipped' };
}

// Delivery records and edition counters: each (edition, subscriber) moves queued → sent | failed | skipped once.
import { deliverySchema, type Delivery, type DeliveryStatus, type EditionSummary, type ReaderEvent } from '../contracts';
import { groupByBucket, type Db } from './keys';
import { scriptCommand } from './script-command';

// Claim readers for a batch, one script per bucket of readers (scripts/claim-deliveries.lua): a reader already
// claimed by this same batch counts as claimed again (a planner re-run after a crash rebuilds the same batch).
const claimCommand = scriptCommand<string[]>('claim-deliveries');
// Finish deliveries per bucket (scripts/finish-deliveries.lua): only a queued record moves, so a retry or a second
// worker never counts twice; a sent one records its articles and appends its delivered events with it, once.
const finishCommand = scriptCommand<number>('finish-deliveries');

/** Claim readers for a batch; returns the ids this batch owns (new claims and its own earlier claims), in the given order. */
export async function claimDeliveries(
  db: Db,
  editionId: string,
  batchId: string,
  subscriberIds: readonly string[],
  now: Date,
): Promise<string[]> {
  if (subscriberIds.length === 0) return [];
  const record: Delivery = { status: 'queued', batch: batchId, at: now.toISOString() };
  const groups = groupByBucket(subscriberIds, (id) => id);
  // The edition's buckets first: a bucket named here with no claim in it yet only costs a read later.
  await db.redis.sadd(db.keys.editionBuckets(editionId), ...[...groups.keys()].map(String));
  const replies = await Promise.all(
    [...groups].map(([bucket, ids]) =>
      claimCommand(
        db.redis,
        [db.keys.deliveryOfBucket(editionId, bucket), db.keys.editionCounts(editionId, bucket)],
        [JSON.stringify(record), batchId, ...ids],
      ),
    ),
  );
  const owned = new Set(replies.flat());
  return subscriberIds.filter((id) => owned.has(id));
}

export interface DeliveryOutcome {
  subscriberId: string;
  status: Exclude<DeliveryStatus, 'queued'>;
  messageId?: string;
  reason?: string;
  /** The articles a sent briefing carried, in order: each becomes a `delivered` event and is never sent again. */
  articleIds?: readonly string[];
}

/** Move queued deliveries to their outcome, with what a sent one teaches; returns how many moved. */
export async function finishDeliveries(
  db: Db,
  editionId: string,
  batchId: string,
  outcomes: readonly DeliveryOutcome[],
  now: Date,
): Promise<number> {
  if (outcomes.length === 0) return 0;
  const at = now.toISOString();
  const moved = await Promise.all(
    [...groupByBucket(outcomes, (o) => o.subscriberId)].map(([bucket, group]) => {
      const sentSets: string[] = [];
      const args: string[] = [];
      for (const o of group) {
        const record: Delivery = {
          status: o.status,
          batch: batchId,
          at,
          ...(o.messageId ? { message_id: o.messageId } : {}),
          ...(o.reason ? { reason: o.reason } : {}),
        };
        const articleIds = o.status === 'sent' ? (o.articleIds ?? []) : [];
        args.push(o.subscriberId, JSON.stringify(record), o.status, String(articleIds.length), ...articleIds);
        for (const event of deliveredEvents(o.subscriberId, editionId, articleIds, at)) args.push(JSON.stringify(event));
        if (articleIds.length > 0) sentSets.push(db.keys.sentArticles(o.subscriberId));
      }
      const keys = [db.keys.deliveryOfBucket(editionId, bucket), db.keys.editionCounts(editionId, bucket), db.keys.events(bucket)];
      return finishCommand(db.redis, [...keys, ...sentSets], args);
    }),
  );
  return moved.reduce((a, b) => a + Number(b), 0);
}

/** The learner's weak "delivered, not clicked" signal and popularity's denominator: one event per article sent. */
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

export async function getDeliveries(db: Db, editionId: string, subscriberIds: readonly string[]): Promise<Array<Delivery | null>> {
  if (subscriberIds.length === 0) return [];
  const found = new Map<string, string | null>();
  await Promise.all(
    [...groupByBucket(subscriberIds, (id) => id)].map(async ([bucket, ids]) => {
      const rows = await db.redis.hmget(db.keys.deliveryOfBucket(editionId, bucket), ...ids);
      ids.forEach((id, i) => found.set(id, rows[i] ?? null));
    }),
  );
  return subscriberIds.map((id) => {
    const raw = found.get(id);
    return raw ? deliverySchema.parse(JSON.parse(raw)) : null;
  });
}

export async function getDelivery(db: Db, editionId: string, subscriberId: string): Promise<Delivery | null> {
  return (await getDeliveries(db, editionId, [subscriberId]))[0] ?? null;
}

/** Every reader with a delivery record in the edition, whatever its status (bucket by bucket). */
export async function editionReaders(db: Db, editionId: string): Promise<string[]> {
  const buckets = await db.redis.smembers(db.keys.editionBuckets(editionId));
  const ids = await Promise.all(buckets.map((bucket) => db.redis.hkeys(db.keys.deliveryOfBucket(editionId, Number(bucket)))));
  return ids.flat();
}

/** Register an edition (first plan wins the meta fields). */
export async function registerEdition(db: Db, editionId: string, schedule: string | null, now: Date): Promise<void> {
  // The index and the edition's hash live in different slots: two commands, the hash's fields in one transaction.
  await db.redis.zadd(db.keys.editions, 'NX', now.getTime(), editionId);
  await db.redis
    .multi()
    .hsetnx(db.keys.edition(editionId), 'created_at', now.toISOString())
    .hsetnx(db.keys.edition(editionId), 'schedule', schedule ?? '')
    .exec();
}

export async function markPlanningDone(db: Db, editionId: string): Promise<void> {
  await db.redis.hset(db.keys.edition(editionId), 'planning_done', '1');
}

/** Count a provider event against an edition (bounced, complained, delivered, …). */
export async function countEditionEvent(db: Db, editionId: string, field: string): Promise<void> {
  await db.redis.hincrby(db.keys.edition(editionId), field, 1);
}

export async function editionSummary(db: Db, editionId: string): Promise<EditionSummary | null> {
  const [h, buckets] = await Promise.all([
    db.redis.hgetall(db.keys.edition(editionId)),
    db.redis.smembers(db.keys.editionBuckets(editionId)),
  ]);
  if (Object.keys(h).length === 0 && buckets.length === 0) return null;
  // Sending counts live per bucket (moved with the records they count); provider events and meta in the edition's hash.
  const perBucket = await Promise.all(buckets.map((b) => db.redis.hmget(db.keys.editionCounts(editionId, Number(b)), ...SENDING_COUNTS)));
  const sum = (i: number) => perBucket.reduce((n, row) => n + Number(row[i] ?? 0), 0);
  const n = (k: string) => Number(h[k] ?? 0);
  return {
    id: editionId,
    schedule: h.schedule || null,
    created_at: h.created_at ?? null,
    planned: sum(0),
    queued: sum(1),
    sent: sum(2),
    failed: sum(3),
    skipped: sum(4),
    bounced: n('bounced'),
    complained: n('complained'),
    planning_done: h.planning_done === '1',
  };
}

const SENDING_COUNTS = ['planned', 'queued', 'sent', 'failed', 'skipped'] as const;

/** The newest editions, newest first. */
export async function listEditions(db: Db, limit = 20): Promise<EditionSummary[]> {
  const ids = await db.redis.zrevrange(db.keys.editions, 0, limit - 1);
  const all = await Promise.all(ids.map((id) => editionSummary(db, id)));
  return all.filter((e): e is EditionSummary => e !== null);
}

/** Failed deliveries of an edition with their reasons (paged through the hash, never all at once). */
export async function failedDeliveries(db: Db, editionId: string, limit = 50): Promise<Array<{ subscriberId: string; reason: string }>> {
  const out: Array<{ subscriberId: string; reason: string }> = [];
  const buckets = (await db.redis.smembers(db.keys.editionBuckets(editionId))).map(Number).sort((a, b) => a - b);
  for (const bucket of buckets) {
    let cursor = '0';
    do {
      const [next, flat] = await db.redis.hscan(db.keys.deliveryOfBucket(editionId, bucket), cursor, 'COUNT', 500);
      cursor = next;
      for (let i = 0; i < flat.length && out.length < limit; i += 2) {
        const d = deliverySchema.parse(JSON.parse(flat[i + 1]!));
        if (d.status === 'failed') out.push({ subscriberId: flat[i]!, reason: d.reason ?? '' });
      }
    } while (cursor !== '0' && out.length < limit);
    if (out.length >= limit) break;
  }
  return out;
}

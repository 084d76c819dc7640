// Delivery records and edition counters: each (edition, subscriber) moves queued → sent | failed | skipped once.
import { deliverySchema, type Delivery, type DeliveryStatus, type EditionSummary, type ReaderEvent } from '../contracts';
import { appendEvents } from './events';
import { groupByBucket, type Db } from './keys';
import { scriptCommand } from './script-command';

// Claim readers for a batch, one script per bucket of readers (scripts/claim-deliveries.lua): a reader already
// claimed by this same batch counts as claimed again (a planner re-run after a crash rebuilds the same batch).
const claimCommand = scriptCommand<[number, ...string[]]>('claim-deliveries');
// Finish deliveries per bucket (scripts/finish-deliveries.lua): only a queued record moves, so a retry or a second
// worker never counts twice; a sent one records its articles with it, and only what moved is counted and announced.
const finishCommand = scriptCommand<string[]>('finish-deliveries');

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
  await db.redis.sadd(db.keys.editionBuckets(editionId), ...[...groups.keys()].map(String));
  const replies = await Promise.all(
    [...groups].map(([bucket, ids]) =>
      claimCommand(db.redis, [db.keys.deliveryOfBucket(editionId, bucket)], [JSON.stringify(record), batchId, ...ids]),
    ),
  );
  const fresh = replies.reduce((n, [count]) => n + Number(count), 0);
  if (fresh > 0) await db.redis.hincrby(db.keys.edition(editionId), 'planned', fresh);
  if (fresh > 0) await db.redis.hincrby(db.keys.edition(editionId), 'queued', fresh);
  const owned = new Set(replies.flatMap(([, ...ids]) => ids));
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
        if (articleIds.length > 0) sentSets.push(db.keys.sentArticles(o.subscriberId));
      }
      return finishCommand(db.redis, [db.keys.deliveryOfBucket(editionId, bucket), ...sentSets], args);
    }),
  );
  const counts = new Map<string, number>();
  const sent = new Set<string>();
  for (const flat of moved) {
    for (let i = 0; i + 1 < flat.length; i += 2) {
      counts.set(flat[i + 1]!, (counts.get(flat[i + 1]!) ?? 0) + 1);
      if (flat[i + 1] === 'sent') sent.add(flat[i]!);
    }
  }
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return 0;
  const tx = db.redis.multi().hincrby(db.keys.edition(editionId), 'queued', -total);
  for (const [status, n] of counts) tx.hincrby(db.keys.edition(editionId), status, n);
  await tx.exec();
  // Only what moved just now is announced, so a retried batch appends nothing twice; each reader's events go to its shard.
  const events = outcomes.flatMap((o) =>
    sent.has(o.subscriberId) ? deliveredEvents(o.subscriberId, editionId, o.articleIds ?? [], at) : [],
  );
  await appendEvents(db, events);
  return total;
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
  const h = await db.redis.hgetall(db.keys.edition(editionId));
  if (Object.keys(h).length === 0) return null;
  const n = (k: string) => Number(h[k] ?? 0);
  return {
    id: editionId,
    schedule: h.schedule || null,
    created_at: h.created_at ?? null,
    planned: n('planned'),
    queued: n('queued'),
    sent: n('sent'),
    failed: n('failed'),
    skipped: n('skipped'),
    bounced: n('bounced'),
    complained: n('complained'),
    planning_done: h.planning_done === '1',
  };
}

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

// Subscribers in Redis: one JSON record each, in the reader's bucket ({bNNNN}, with the rest of the reader's state),
// and two indexes under {subscribers}: by email and by creation time. The record and the indexes are written apart
// (two slots), in an order that a crash in between cannot turn into a lost reader: see saveSubscriber and
// dropSubscriberRecord.
import { randomId } from '../core/encoding';
import { subscriberSchema, type NewSubscriber, type Subscriber } from '../contracts';
import { groupByBucket, type Db } from './keys';

export async function getSubscriber(db: Db, id: string): Promise<Subscriber | null> {
  const raw = await db.redis.hget(db.keys.subscriber(id), id);
  return raw ? subscriberSchema.parse(JSON.parse(raw)) : null;
}

/** Is there a subscriber with this id? */
export async function subscriberExists(db: Db, id: string): Promise<boolean> {
  return (await db.redis.hexists(db.keys.subscriber(id), id)) === 1;
}

/** The stored JSON of these subscribers, in order (null where there is none): one HMGET per bucket, all at once. */
export async function getSubscriberRows(db: Db, ids: readonly string[]): Promise<Array<string | null>> {
  const rows: Array<string | null> = new Array<string | null>(ids.length).fill(null);
  const groups = groupByBucket(
    ids.map((id, index) => ({ id, index })),
    (item) => item.id,
  );
  await Promise.all(
    [...groups].map(async ([bucket, items]) => {
      const values = await db.redis.hmget(db.keys.subscribersOfBucket(bucket), ...items.map((item) => item.id));
      items.forEach((item, i) => (rows[item.index] = values[i] ?? null));
    }),
  );
  return rows;
}

export async function findSubscriberByEmail(db: Db, email: string): Promise<Subscriber | null> {
  const id = await db.redis.hget(db.keys.subscribersByEmail, email.toLowerCase());
  return id ? getSubscriber(db, id) : null;
}

/**
 * Return the subscriber with this email, creating it if there is none.
 * Safe under concurrency: the email index is claimed with HSETNX, so two callers get one record.
 */
export async function ensureSubscriber(db: Db, input: NewSubscriber, now: Date): Promise<{ subscriber: Subscriber; created: boolean }> {
  const candidate = subscriberSchema.parse({
    id: randomId('sub'),
    email: input.email,
    timezone: input.timezone,
    topics: input.topics,
    frequency: input.frequency,
    weekday: input.weekday,
    delivery_hour: input.delivery_hour,
    created_at: now.toISOString(),
  });
  const claimed = await db.redis.hsetnx(db.keys.subscribersByEmail, candidate.email, candidate.id);
  if (claimed === 0) {
    const existing = await findSubscriberByEmail(db, candidate.email);
    if (existing) return { subscriber: existing, created: false };
    // The index was claimed but the record not yet written by the other caller; write ours under its id.
    const id = (await db.redis.hget(db.keys.subscribersByEmail, candidate.email))!;
    candidate.id = id;
  }
  await saveSubscriber(db, candidate);
  return { subscriber: candidate, created: true };
}

/**
 * Write a subscriber: the indexes first, then the record. A crash in between leaves an index naming no record, which
 * planning skips and ensureSubscriber repairs (it writes the record under the indexed id); the other order could
 * leave a record that no index finds, a reader never planned again.
 */
export async function saveSubscriber(db: Db, subscriber: Subscriber): Promise<void> {
  await db.redis
    .multi()
    .hset(db.keys.subscribersByEmail, subscriber.email, subscriber.id)
    .zadd(db.keys.subscribersByCreated, Date.parse(subscriber.created_at), subscriber.id)
    .exec();
  await db.redis.hset(db.keys.subscriber(subscriber.id), subscriber.id, JSON.stringify(subscriber));
}

/** One page of subscribers in creation order: walk with `start` = previous start + page size. */
export async function subscribersPage(
  db: Db,
  start: number,
  count: number,
): Promise<{ ids: string[]; subscribers: Array<Subscriber | null> }> {
  const ids = await db.redis.zrange(db.keys.subscribersByCreated, String(start), String(start + count - 1));
  if (ids.length === 0) return { ids, subscribers: [] };
  const rows = await getSubscriberRows(db, ids);
  return { ids, subscribers: rows.map((raw) => (raw ? subscriberSchema.parse(JSON.parse(raw)) : null)) };
}

export async function getSubscribers(db: Db, ids: readonly string[]): Promise<Array<Subscriber | null>> {
  if (ids.length === 0) return [];
  const rows = await getSubscriberRows(db, ids);
  return rows.map((raw) => (raw ? subscriberSchema.parse(JSON.parse(raw)) : null));
}

export async function countSubscribers(db: Db): Promise<number> {
  return db.redis.zcard(db.keys.subscribersByCreated);
}

/** Change a subscriber's status (unsubscribe, suppress); null when there is no such subscriber. */
export async function setSubscriberStatus(db: Db, id: string, status: Subscriber['status']): Promise<Subscriber | null> {
  const existing = await getSubscriber(db, id);
  if (!existing) return null;
  const updated = { ...existing, status };
  await db.redis.hset(db.keys.subscriber(id), id, JSON.stringify(updated));
  return updated;
}

export type PlanningEntry = Pick<Subscriber, 'id' | 'status' | 'timezone' | 'frequency' | 'weekday' | 'delivery_hour' | 'paused_until'>;

/**
 * One page of what planning needs (id, status, zone), read without the full contract check: the planner
 * walks every subscriber, and each one it keeps is read and checked in full again when its batch is composed.
 */
export async function planningPage(db: Db, start: number, count: number): Promise<{ ids: string[]; entries: Array<PlanningEntry | null> }> {
  const ids = await db.redis.zrange(db.keys.subscribersByCreated, String(start), String(start + count - 1));
  if (ids.length === 0) return { ids, entries: [] };
  const rows = await getSubscriberRows(db, ids);
  return {
    ids,
    entries: rows.map((raw) => {
      if (!raw) return null;
      const s = JSON.parse(raw) as Partial<PlanningEntry>;
      if (typeof s.id !== 'string') return null;
      return {
        id: s.id,
        status: s.status ?? 'active',
        timezone: s.timezone ?? 'UTC',
        frequency: s.frequency ?? 'daily',
        weekday: s.weekday ?? 1,
        delivery_hour: s.delivery_hour ?? null,
        paused_until: s.paused_until ?? null,
      };
    }),
  };
}

/**
 * Remove a subscriber and what Tidings learned about them (profile, corrections, votes, what they were sent).
 * Delivery records of past editions stay, so edition counts still add up. False when there was none.
 */
export async function removeSubscriber(db: Db, id: string): Promise<boolean> {
  const existing = await getSubscriber(db, id);
  if (!existing) return false;
  await db.redis.del(...learnedStateKeys(db, id));
  await dropSubscriberRecord(db, existing);
  return true;
}

/** What Tidings learned from and about a reader: profile, corrections, votes, sent articles, follows (one bucket). */
export function learnedStateKeys(db: Db, id: string): string[] {
  return [db.keys.profile(id), db.keys.readerPrefs(id), db.keys.sentArticles(id), db.keys.readerActions(id), db.keys.readerFollows(id)];
}

/**
 * The subscriber record (in the reader's bucket), then its indexes (under {subscribers}, one transaction). A crash in
 * between leaves indexes naming no record: planning skips them, and the email can sign up again.
 */
export async function dropSubscriberRecord(db: Db, subscriber: Pick<Subscriber, 'id' | 'email'>): Promise<void> {
  await db.redis.hdel(db.keys.subscriber(subscriber.id), subscriber.id);
  await db.redis.multi().hdel(db.keys.subscribersByEmail, subscriber.email).zrem(db.keys.subscribersByCreated, subscriber.id).exec();
}

// Subscribers in Redis: one JSON record each, indexed by email and by creation time.
import { randomId } from '../core/encoding';
import { subscriberSchema, type Subscriber } from '../contracts';
import type { Db } from './keys';

export async function getSubscriber(db: Db, id: string): Promise<Subscriber | null> {
  const raw = await db.redis.hget(db.keys.subscribers, id);
  return raw ? subscriberSchema.parse(JSON.parse(raw)) : null;
}

export async function findSubscriberByEmail(db: Db, email: string): Promise<Subscriber | null> {
  const id = await db.redis.hget(db.keys.subscribersByEmail, email.toLowerCase());
  return id ? getSubscriber(db, id) : null;
}

export interface NewSubscriber {
  email: string;
  timezone?: string;
  topics?: string[];
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

export async function saveSubscriber(db: Db, subscriber: Subscriber): Promise<void> {
  await db.redis
    .multi()
    .hset(db.keys.subscribers, subscriber.id, JSON.stringify(subscriber))
    .hset(db.keys.subscribersByEmail, subscriber.email, subscriber.id)
    .zadd(db.keys.subscribersByCreated, Date.parse(subscriber.created_at), subscriber.id)
    .exec();
}

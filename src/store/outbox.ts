// The dev outbox: mail captured in Redis when no provider is configured, newest first.
import { randomId } from '../core/encoding';
import { outboxMessageSchema, type OutboxMessage, type OutgoingEmail } from '../contracts';
import type { Db } from './keys';

/** The outbox keeps this many messages; older ones fall off the end. */
export const OUTBOX_CAPACITY = 1000;

export async function pushOutbox(db: Db, email: OutgoingEmail, now: Date): Promise<OutboxMessage> {
  const message: OutboxMessage = { id: randomId('msg'), created_at: now.toISOString(), ...email };
  await db.redis
    .multi()
    .lpush(db.keys.outbox, JSON.stringify(message))
    .ltrim(db.keys.outbox, 0, OUTBOX_CAPACITY - 1)
    .exec();
  return message;
}

export async function listOutbox(db: Db, limit = 100): Promise<OutboxMessage[]> {
  const rows = await db.redis.lrange(db.keys.outbox, 0, limit - 1);
  return rows.map((raw) => outboxMessageSchema.parse(JSON.parse(raw)));
}

export async function findOutboxMessage(db: Db, id: string): Promise<OutboxMessage | null> {
  const all = await listOutbox(db, OUTBOX_CAPACITY);
  return all.find((m) => m.id === id) ?? null;
}

// The reader-event stream: clicks and actions appended by the edge app, consumed by the workers.
import type { ReaderEvent } from '../contracts';
import type { Db } from './keys';

/** Append events to the stream in one round trip. */
export async function appendEvents(db: Db, events: readonly ReaderEvent[]): Promise<void> {
  if (events.length === 0) return;
  const pipeline = db.redis.pipeline();
  for (const event of events) pipeline.xadd(db.keys.events, '*', 'event', JSON.stringify(event));
  const results = await pipeline.exec();
  const failed = results?.find(([error]) => error);
  if (failed) throw failed[0];
}

/** The newest events, newest first (for operators and tests). */
export async function recentEvents(db: Db, count = 100): Promise<ReaderEvent[]> {
  const rows = await db.redis.xrevrange(db.keys.events, '+', '-', 'COUNT', count);
  return rows.map(([, fields]) => JSON.parse(fields[1]!) as ReaderEvent);
}

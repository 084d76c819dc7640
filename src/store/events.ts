// The reader-event stream, in EVENT_SHARDS shards: clicks and actions appended by the edge app (and `delivered` by
// the sender), consumed by the workers' groups, one group per shard. A reader's events all go to one shard, in order.
import { readerEventSchema, type ReaderEvent } from '../contracts';
import { eventShard, type Db } from './keys';
import { scriptCommand } from './script-command';
import { compareStreamIds, groupPositions } from './streams';

// One command per shard appends its part of a batch, the part as one argument (scripts/append-events.lua says why).
const appendEventsCommand = scriptCommand<null>('append-events');
/** States in which a command would only wait in ioredis' offline queue ('wait' is a lazy first connect). */
const disconnected = new Set(['reconnecting', 'close', 'end']);

/** Append events to their shards, each shard's in order, all at once; fails at once while Redis is disconnected. */
export async function appendEvents(db: Db, events: readonly ReaderEvent[]): Promise<void> {
  if (events.length === 0) return;
  // Fail rather than queue while disconnected, so a recorder can spill without waiting.
  if (disconnected.has(db.redis.status)) throw new Error(`Redis is not connected (${db.redis.status})`);
  const byShard = new Map<number, string[]>();
  for (const event of events) {
    const shard = eventShard(event.subscriber_id);
    const lines = byShard.get(shard) ?? byShard.set(shard, []).get(shard)!;
    lines.push(JSON.stringify(event));
  }
  await Promise.all([...byShard].map(([shard, lines]) => appendEventsCommand(db.redis, [db.keys.events(shard)], [lines.join('\n')])));
}

/** A stream entry's event, checked against the contract; null for an entry that is not a valid event. */
export function entryEvent(fields: readonly string[]): ReaderEvent | null {
  let json: unknown;
  try {
    json = JSON.parse(fields[fields.indexOf('event') + 1] ?? '');
  } catch {
    return null;
  }
  const parsed = readerEventSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}

/** The newest events of every shard, newest first (for operators and tests): `count` in all. */
export async function recentEvents(db: Db, count = 100): Promise<ReaderEvent[]> {
  return (await recentEntries(db, count)).map(([, fields]) => JSON.parse(fields[1]!) as ReaderEvent);
}

/** The newest stream entries of every shard merged newest first, `count` in all (ids compare across shards by time). */
export async function recentEntries(db: Db, count: number): Promise<Array<[id: string, fields: string[]]>> {
  const shards = await Promise.all(db.keys.eventStreams.map((stream) => db.redis.xrevrange(stream, '+', '-', 'COUNT', count)));
  return shards
    .flat()
    .sort(([a], [b]) => compareStreamIds(b, a))
    .slice(0, count);
}

/** Every event of every shard, oldest first (tests and small installations only: it reads everything). */
export async function allEvents(db: Db): Promise<ReaderEvent[]> {
  const shards = await Promise.all(db.keys.eventStreams.map((stream) => db.redis.xrange(stream, '-', '+')));
  return shards
    .flat()
    .sort(([a], [b]) => compareStreamIds(a, b))
    .map(([, fields]) => JSON.parse(fields[fields.indexOf('event') + 1] ?? 'null') as ReaderEvent);
}

/** How many entries the shards hold together. */
export async function countEvents(db: Db): Promise<number> {
  const lengths = await Promise.all(db.keys.eventStreams.map((stream) => db.redis.xlen(stream)));
  return lengths.reduce((a, b) => a + b, 0);
}

/**
 * Trim every shard of entries older than `olderThanMs`, never past what any consumer group still needs
 * (its pending entries and what it has not read yet). Resolves with how many entries went.
 * `exact` trims to the entry; otherwise Redis trims whole internal nodes, much cheaper (production).
 */
export async function trimEvents(db: Db, olderThanMs: number, now: number, options: { exact?: boolean } = {}): Promise<number> {
  const removed = await Promise.all(db.keys.eventStreams.map((stream) => trimShard(db, stream, olderThanMs, now, options)));
  return removed.reduce((a, b) => a + b, 0);
}

async function trimShard(db: Db, stream: string, olderThanMs: number, now: number, options: { exact?: boolean }): Promise<number> {
  if ((await db.redis.exists(stream)) === 0) return 0;
  // The oldest of: the retention cut-off, and where each group still needs entries.
  const needed = (await groupPositions(db.redis, stream)).flatMap((g) =>
    g.oldestPendingId ? [g.lastDeliveredId, g.oldestPendingId] : [g.lastDeliveredId],
  );
  const keepFrom = [`${Math.max(0, now - olderThanMs)}-0`, ...needed].sort(compareStreamIds)[0]!;
  return options.exact ? db.redis.xtrim(stream, 'MINID', keepFrom) : db.redis.xtrim(stream, 'MINID', '~', keepFrom);
}

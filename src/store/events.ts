// The reader-event stream: clicks and actions appended by the edge app, consumed by the workers.
import type { ReaderEvent } from '../contracts';
import type { Db } from './keys';
import { scriptCommand } from './script-command';
import { compareStreamIds, groupPositions } from './streams';

// One command appends a whole batch, the batch as one argument (scripts/append-events.lua says why).
const appendEventsCommand = scriptCommand<null>('append-events');
/** States in which a command would only wait in ioredis' offline queue ('wait' is a lazy first connect). */
const disconnected = new Set(['reconnecting', 'close', 'end']);

/** Append events to the stream, in order, in one round trip; fails at once while Redis is disconnected. */
export async function appendEvents(db: Db, events: readonly ReaderEvent[]): Promise<void> {
  if (events.length === 0) return;
  // Fail rather than queue while disconnected, so a recorder can spill without waiting.
  if (disconnected.has(db.redis.status)) throw new Error(`Redis is not connected (${db.redis.status})`);
  await appendEventsCommand(db.redis, [db.keys.events], [events.map((event) => JSON.stringify(event)).join('\n')]);
}

/** The newest events, newest first (for operators and tests). */
export async function recentEvents(db: Db, count = 100): Promise<ReaderEvent[]> {
  const rows = await db.redis.xrevrange(db.keys.events, '+', '-', 'COUNT', count);
  return rows.map(([, fields]) => JSON.parse(fields[1]!) as ReaderEvent);
}

/**
 * Trim the stream of entries older than `olderThanMs`, never past what any consumer group still needs
 * (its pending entries and what it has not read yet). Resolves with how many entries went.
 * `exact` trims to the entry; otherwise Redis trims whole internal nodes, much cheaper (production).
 */
export async function trimEvents(db: Db, olderThanMs: number, now: number, options: { exact?: boolean } = {}): Promise<number> {
  if ((await db.redis.exists(db.keys.events)) === 0) return 0;
  // The oldest of: the retention cut-off, and where each group still needs entries.
  const needed = (await groupPositions(db.redis, db.keys.events)).flatMap((g) =>
    g.oldestPendingId ? [g.lastDeliveredId, g.oldestPendingId] : [g.lastDeliveredId],
  );
  const keepFrom = [`${Math.max(0, now - olderThanMs)}-0`, ...needed].sort(compareStreamIds)[0]!;
  return options.exact ? db.redis.xtrim(db.keys.events, 'MINID', keepFrom) : db.redis.xtrim(db.keys.events, 'MINID', '~', keepFrom);
}

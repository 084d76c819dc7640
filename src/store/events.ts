// The reader-event stream: clicks and actions appended by the edge app, consumed by the workers.
import type { Redis } from 'ioredis';
import type { ReaderEvent } from '../contracts';
import type { Db } from './keys';
import { compareStreamIds, groupPositions } from './streams';

// One command appends a whole batch, and the batch travels as one argument, one event's JSON a line
// (JSON never holds a raw newline): measured with npm run bench:redirect, one argument per event cost the
// edge several times more CPU in ioredis than the events themselves.
const appendScript = `
for json in string.gmatch(ARGV[1], '[^\\n]+') do redis.call('XADD', KEYS[1], '*', 'event', json) end
`;

type WithScript = Redis & { tidingsAppendEvents(stream: string, lines: string): Promise<null> };
const prepared = new WeakSet<Redis>();
/** States in which a command would only wait in ioredis' offline queue ('wait' is a lazy first connect). */
const disconnected = new Set(['reconnecting', 'close', 'end']);

function withScript(redis: Redis): WithScript {
  if (!prepared.has(redis)) {
    redis.defineCommand('tidingsAppendEvents', { numberOfKeys: 1, lua: appendScript });
    prepared.add(redis);
  }
  return redis as WithScript;
}

/** Append events to the stream, in order, in one round trip; fails at once while Redis is disconnected. */
export async function appendEvents(db: Db, events: readonly ReaderEvent[]): Promise<void> {
  if (events.length === 0) return;
  // Fail rather than queue while disconnected, so a recorder can spill without waiting.
  if (disconnected.has(db.redis.status)) throw new Error(`Redis is not connected (${db.redis.status})`);
  await withScript(db.redis).tidingsAppendEvents(db.keys.events, events.map((event) => JSON.stringify(event)).join('\n'));
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
  let keepFrom = `${Math.max(0, now - olderThanMs)}-0`;
  const earlier = (id: string) => (compareStreamIds(id, keepFrom) < 0 ? (keepFrom = id) : keepFrom);
  for (const group of await groupPositions(db.redis, db.keys.events)) {
    earlier(group.lastDeliveredId);
    if (group.oldestPendingId) earlier(group.oldestPendingId);
  }
  return options.exact ? db.redis.xtrim(db.keys.events, 'MINID', keepFrom) : db.redis.xtrim(db.keys.events, 'MINID', '~', keepFrom);
}

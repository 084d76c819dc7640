// The reader-event stream: clicks and actions appended by the edge app, consumed by the workers.
import type { Redis } from 'ioredis';
import type { ReaderEvent } from '../contracts';
import type { Db } from './keys';

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

// The Redis side of bot detection: a short window of clicks per (subscriber, edition), the moments that
// looked automated (bursts, honeypot hits), and the flagged append of reader events to the stream.
// Flagging happens here, when the recorder flushes, not in the redirect: the reader never waits on it.
import type { Redis } from 'ioredis';
import type { ReaderEvent } from '../contracts';
import { automatedVerdict, defaultBotRules, mergeReasons, windowBotReasons, type BotRules, type EditionMarks } from '../core/bots';
import { appendEvents } from './events';
import type { Db } from './keys';

/** Click windows only matter for minutes; a day leaves room for replaying a spill after an outage. */
const WINDOW_TTL_SECONDS = 24 * 3600;
/** Marks are kept long enough for the learner to ask about any event it has not consumed yet. */
const MARKS_TTL_SECONDS = 30 * 24 * 3600;

// For each click, in order: note the link's latest click time; when `burstLinks` distinct links were
// clicked within burstMs up to it, mark a burst; mark honeypot hits. Then answer, per click, one burst
// mark within ±burstMs and one honeypot mark within ±honeypotMs (or -1). Every step is O(log n).
const recordClicksScript = `
local burstMs, burstLinks, honeypotMs = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local out = {}
for i = 6, #ARGV, 3 do
  local link, atText, honeypot = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local at = tonumber(atText)
  redis.call('ZADD', KEYS[1], at, link)
  if redis.call('ZCOUNT', KEYS[1], at - burstMs, at) >= burstLinks then redis.call('ZADD', KEYS[2], at, atText) end
  if honeypot == '1' then redis.call('ZADD', KEYS[3], at, atText) end
  local burst = redis.call('ZRANGEBYSCORE', KEYS[2], at - burstMs, at + burstMs, 'LIMIT', 0, 1)[1]
  local trap = redis.call('ZRANGEBYSCORE', KEYS[3], at - honeypotMs, at + honeypotMs, 'LIMIT', 0, 1)[1]
  out[#out + 1] = burst or '-1'
  out[#out + 1] = trap or '-1'
end
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[5]))
redis.call('EXPIRE', KEYS[3], tonumber(ARGV[5]))
return out
`;

type WithScript = Redis & { tidingsRecordClicks(windowKey: string, burstsKey: string, honeypotsKey: string, ...args: (string | number)[]): Promise<string[]> };

const prepared = new WeakSet<Redis>();
/** States in which a command would only wait in ioredis' offline queue ('wait' is a lazy first connect). */
const disconnected = new Set(['reconnecting', 'close', 'end']);

/** ioredis sends the script once and then calls it by its SHA. */
function withScript(redis: Redis): WithScript {
  if (!prepared.has(redis)) {
    redis.defineCommand('tidingsRecordClicks', { numberOfKeys: 3, lua: recordClicksScript });
    prepared.add(redis);
  }
  return redis as WithScript;
}

/**
 * Store reader events: clicks first pass through their edition's window (so a burst or a honeypot hit
 * already seen flags them), then everything is appended to the stream. Two round trips per batch.
 */
export async function storeReaderEvents(db: Db, events: readonly ReaderEvent[], rules: BotRules = defaultBotRules): Promise<void> {
  if (events.length === 0) return;
  // Fail at once rather than queue while disconnected, so the caller can spill without waiting.
  if (disconnected.has(db.redis.status)) throw new Error(`Redis is not connected (${db.redis.status})`);
  const groups = new Map<string, ReaderEvent[]>();
  for (const event of events) {
    if (event.type !== 'click') continue;
    const key = `${event.subscriber_id}\n${event.edition_id}`;
    const group = groups.get(key);
    if (group) group.push(event);
    else groups.set(key, [event]);
  }
  const flagged = new Map<ReaderEvent, ReaderEvent>();
  if (groups.size > 0) {
    const redis = withScript(db.redis);
    const pipeline = redis.pipeline() as unknown as WithScript & { exec(): Promise<[Error | null, unknown][] | null> };
    const list = [...groups.values()];
    for (const group of list) {
      const { subscriber_id: sub, edition_id: ed } = group[0]!;
      const args: (string | number)[] = [rules.burstSeconds * 1000, rules.burstLinks, rules.honeypotWindowSeconds * 1000, WINDOW_TTL_SECONDS, MARKS_TTL_SECONDS];
      for (const e of group) args.push(linkId(e), Date.parse(e.at), e.kind === 'honeypot' ? '1' : '0');
      void pipeline.tidingsRecordClicks(db.keys.clickWindow(sub, ed), db.keys.botBursts(sub, ed), db.keys.botHoneypots(sub, ed), ...args);
    }
    const results = (await pipeline.exec()) ?? [];
    list.forEach((group, i) => {
      const [error, reply] = results[i] ?? [new Error('no reply from Redis')];
      if (error) throw error;
      const near = reply as string[];
      group.forEach((e, j) => {
        const marks = marksFrom([near[2 * j]!], [near[2 * j + 1]!]);
        const reasons = mergeReasons(e.bot_reasons, windowBotReasons(Date.parse(e.at), marks, rules));
        flagged.set(e, { ...e, suspected_bot: reasons.length > 0, bot_reasons: reasons });
      });
    });
  }
  await appendEvents(db, events.map((e) => flagged.get(e) ?? e));
}

/**
 * Is this event automated? Its own flags, plus what its edition's window learned since it was stored
 * (a burst or a honeypot hit that came after it). The learner asks this before learning from a click.
 */
export async function automatedReasons(db: Db, event: ReaderEvent, rules: BotRules = defaultBotRules): Promise<{ automated: boolean; reasons: string[] }> {
  if (event.type !== 'click') return automatedVerdict(event, { bursts: [], honeypots: [] }, rules);
  const at = Date.parse(event.at);
  const [bursts, honeypots] = await Promise.all([
    db.redis.zrangebyscore(db.keys.botBursts(event.subscriber_id, event.edition_id), at - rules.burstSeconds * 1000, at + rules.burstSeconds * 1000, 'LIMIT', 0, 1),
    db.redis.zrangebyscore(db.keys.botHoneypots(event.subscriber_id, event.edition_id), at - rules.honeypotWindowSeconds * 1000, at + rules.honeypotWindowSeconds * 1000, 'LIMIT', 0, 1),
  ]);
  return automatedVerdict(event, marksFrom(bursts, honeypots), rules);
}

function linkId(event: ReaderEvent): string {
  return `${event.kind ?? ''}:${event.article_id ?? ''}:${event.position ?? ''}`;
}

/** Mark times as Redis returns them ("-1" for none). */
function marksFrom(bursts: readonly string[], honeypots: readonly string[]): EditionMarks {
  const times = (list: readonly string[]) => list.map(Number).filter((t) => t >= 0);
  return { bursts: times(bursts), honeypots: times(honeypots) };
}

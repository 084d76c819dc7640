// The Redis side of bot detection: a short window of clicks per (subscriber, edition), the moments that
// looked automated (bursts, honeypot hits), and the flagged append of reader events to the stream.
import type { Redis } from 'ioredis';
import type { ReaderEvent } from '../contracts';
import { automatedVerdict, defaultBotRules, mergeReasons, windowBotReasons, type BotRules, type EditionMarks } from '../core/bots';
import { appendEvents } from './events';
import type { Db } from './keys';

/** Click windows only matter for minutes; a day leaves room for replaying a spill after an outage. */
const WINDOW_TTL_SECONDS = 24 * 3600;
/** Marks are kept long enough for the learner to ask about any event it has not consumed yet. */
const MARKS_TTL_SECONDS = 30 * 24 * 3600;

// Records each click (member "link|ms"), marks a burst when `burstLinks` distinct links fall within
// ±burstMs of a click, marks honeypot hits, and returns the marks near the clicks. Atomic per edition.
const recordClicksScript = `
local burstMs, burstLinks, reach = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local lo, hi = nil, nil
for i = 6, #ARGV, 3 do
  local link, atText, honeypot = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local at = tonumber(atText)
  redis.call('ZADD', KEYS[1], at, link .. '|' .. atText)
  if honeypot == '1' then redis.call('ZADD', KEYS[2], at, 'h|' .. atText) end
  local seen, distinct = {}, 0
  for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], at - burstMs, at + burstMs)) do
    local l = string.match(member, '^(.*)|[^|]*$')
    if not seen[l] then seen[l] = true; distinct = distinct + 1 end
  end
  if distinct >= burstLinks then redis.call('ZADD', KEYS[2], at, 'b|' .. atText) end
  if lo == nil or at < lo then lo = at end
  if hi == nil or at > hi then hi = at end
end
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[5]))
return redis.call('ZRANGEBYSCORE', KEYS[2], lo - reach, hi + reach)
`;

type WithScript = Redis & { tidingsRecordClicks(windowKey: string, marksKey: string, ...args: (string | number)[]): Promise<string[]> };

const prepared = new WeakSet<Redis>();
/** States in which a command would only wait in ioredis' offline queue ('wait' is a lazy first connect). */
const disconnected = new Set(['reconnecting', 'close', 'end']);

/** ioredis sends the script once and then calls it by its SHA. */
function withScript(redis: Redis): WithScript {
  if (!prepared.has(redis)) {
    redis.defineCommand('tidingsRecordClicks', { numberOfKeys: 2, lua: recordClicksScript });
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
    const reach = Math.max(rules.burstSeconds, rules.honeypotWindowSeconds) * 1000;
    const list = [...groups.values()];
    for (const group of list) {
      const first = group[0]!;
      const args: (string | number)[] = [rules.burstSeconds * 1000, rules.burstLinks, reach, WINDOW_TTL_SECONDS, MARKS_TTL_SECONDS];
      for (const e of group) args.push(linkId(e), Date.parse(e.at), e.kind === 'honeypot' ? '1' : '0');
      void pipeline.tidingsRecordClicks(db.keys.clickWindow(first.subscriber_id, first.edition_id), db.keys.botMarks(first.subscriber_id, first.edition_id), ...args);
    }
    const results = (await pipeline.exec()) ?? [];
    list.forEach((group, i) => {
      const [error, members] = results[i] ?? [new Error('no reply from Redis')];
      if (error) throw error;
      const marks = parseMarks(members as string[]);
      for (const e of group) {
        const reasons = mergeReasons(e.bot_reasons, windowBotReasons(Date.parse(e.at), marks, rules));
        flagged.set(e, { ...e, suspected_bot: reasons.length > 0, bot_reasons: reasons });
      }
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
  const reach = Math.max(rules.burstSeconds, rules.honeypotWindowSeconds) * 1000;
  const members = await db.redis.zrangebyscore(db.keys.botMarks(event.subscriber_id, event.edition_id), at - reach, at + reach);
  return automatedVerdict(event, parseMarks(members), rules);
}

function linkId(event: ReaderEvent): string {
  return `${event.kind ?? ''}:${event.article_id ?? ''}:${event.position ?? ''}`;
}

function parseMarks(members: readonly string[]): EditionMarks {
  const marks: EditionMarks = { bursts: [], honeypots: [] };
  for (const member of members) {
    const [kind, at] = member.split('|');
    if (kind === 'b') marks.bursts.push(Number(at));
    else if (kind === 'h') marks.honeypots.push(Number(at));
  }
  return marks;
}

// The Redis side of bot detection and the append of reader events: a short window of clicks per
// (subscriber, edition), the moments that looked automated (bursts, honeypot hits), and the stream.
// Flagging happens here, when the recorder flushes, not in the redirect: the reader never waits on it.
import type { Redis } from 'ioredis';
import type { ReaderEvent } from '../contracts';
import { automatedVerdict, botReasons, defaultBotRules, type BotRules, type EditionMarks } from '../core/bots';
import type { Db } from './keys';

/** Click windows only matter for minutes; a day leaves room for replaying a spill after an outage. */
const WINDOW_TTL_SECONDS = 24 * 3600;
/** Marks are kept long enough for the learner to ask about any event it has not consumed yet. */
const MARKS_TTL_SECONDS = 30 * 24 * 3600;
const FIELDS_PER_EVENT = 2;

// One call stores a whole batch (one command instead of one per event was the largest saving the
// profiler found). For each event, in order (two arguments: meta, JSON), a click (group g > 0, keys 3g-1..3g+1):
//   note the link's latest click time; when `burstLinks` distinct links were clicked within burstMs up
//   to it, mark a burst; mark a honeypot hit; then add the burst / honeypot reason when a mark lies
//   within ±burstMs / ±honeypotMs — the same nearness test as windowBotReasons in core/bots.ts.
// Every event is then appended: its JSON up to the bot fields, completed with the flags. Each step is O(log n).
const storeEventsScript = `
local burstMs, burstLinks, honeypotMs = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local burstReason, honeypotReason = ARGV[6], ARGV[7]
local touched, trapped = {}, {}
for i = 8, #ARGV, ${FIELDS_PER_EVENT} do
  local gText, atText, honeypot, reasons, link = string.match(ARGV[i], '^(%d+)\t(%d+)\t([01])\t([^\t]*)\t(.*)$')
  local g = tonumber(gText)
  if g > 0 then
    local window, bursts, honeypots = KEYS[3 * g - 1], KEYS[3 * g], KEYS[3 * g + 1]
    local at = tonumber(atText)
    redis.call('ZADD', window, at, link)
    local burst = redis.call('ZCOUNT', window, at - burstMs, at) >= burstLinks
    if burst then
      redis.call('ZADD', bursts, at, atText)
    else
      burst = redis.call('ZRANGEBYSCORE', bursts, at - burstMs, at + burstMs, 'LIMIT', 0, 1)[1] ~= nil
    end
    if burst then reasons = (reasons == '' and '' or reasons .. ',') .. burstReason end
    if honeypot == '1' then
      redis.call('ZADD', honeypots, at, atText)
      trapped[g] = true
    end
    -- Most editions never see a honeypot hit: look once per call, then only where there is one.
    if trapped[g] == nil then trapped[g] = redis.call('EXISTS', honeypots) == 1 end
    if trapped[g] and redis.call('ZRANGEBYSCORE', honeypots, at - honeypotMs, at + honeypotMs, 'LIMIT', 0, 1)[1] then
      reasons = (reasons == '' and '' or reasons .. ',') .. honeypotReason
    end
    touched[g] = true
  end
  local flagged = reasons == '' and 'false' or 'true'
  redis.call('XADD', KEYS[1], '*', 'event', ARGV[i + 1] .. '"suspected_bot":' .. flagged .. ',"bot_reasons":[' .. reasons .. ']}')
end
for g in pairs(touched) do
  redis.call('EXPIRE', KEYS[3 * g - 1], ARGV[4])
  redis.call('EXPIRE', KEYS[3 * g], ARGV[5])
  redis.call('EXPIRE', KEYS[3 * g + 1], ARGV[5])
end
return (#ARGV - 7) / ${FIELDS_PER_EVENT}
`;

type WithScript = Redis & { tidingsStoreEvents(numberOfKeys: number, ...keysAndArgs: (string | number)[]): Promise<number> };

const prepared = new WeakSet<Redis>();
/** States in which a command would only wait in ioredis' offline queue ('wait' is a lazy first connect). */
const disconnected = new Set(['reconnecting', 'close', 'end']);

/** ioredis sends the script once and then calls it by its SHA. */
function withScript(redis: Redis): WithScript {
  if (!prepared.has(redis)) {
    redis.defineCommand('tidingsStoreEvents', { lua: storeEventsScript });
    prepared.add(redis);
  }
  return redis as WithScript;
}

/**
 * Store reader events in one round trip: clicks first pass through their edition's window (so a burst
 * or a honeypot hit already seen flags them), then every event is appended to the stream, in order.
 * Keys of one call must share a Redis Cluster slot: on a cluster, give REDIS_PREFIX a hash tag.
 */
export async function storeReaderEvents(db: Db, events: readonly ReaderEvent[], rules: BotRules = defaultBotRules): Promise<void> {
  if (events.length === 0) return;
  // Fail at once rather than queue while disconnected, so the caller can spill without waiting.
  if (disconnected.has(db.redis.status)) throw new Error(`Redis is not connected (${db.redis.status})`);
  const keys: string[] = [db.keys.events];
  const groups = new Map<string, number>();
  const args: (string | number)[] = [
    rules.burstSeconds * 1000,
    rules.burstLinks,
    rules.honeypotWindowSeconds * 1000,
    WINDOW_TTL_SECONDS,
    MARKS_TTL_SECONDS,
    JSON.stringify(botReasons.burst),
    JSON.stringify(botReasons.honeypot),
  ];
  for (const event of events) {
    let group = 0;
    if (event.type === 'click') {
      const pair = `${event.subscriber_id}\n${event.edition_id}`;
      group = groups.get(pair) ?? 0;
      if (group === 0) {
        group = groups.size + 1;
        groups.set(pair, group);
        keys.push(db.keys.clickWindow(event.subscriber_id, event.edition_id), db.keys.botBursts(event.subscriber_id, event.edition_id), db.keys.botHoneypots(event.subscriber_id, event.edition_id));
      }
    }
    const { suspected_bot: _flag, bot_reasons: reasons, ...rest } = event;
    const json = JSON.stringify(rest);
    // Per event: "group \t ms \t honeypot \t reasons as JSON strings \t link id" (the id last: it may hold a tab),
    // then the event's JSON up to the bot fields. Two arguments per event keep the command cheap to encode.
    const meta = `${group}\t${Date.parse(event.at)}\t${event.kind === 'honeypot' ? 1 : 0}\t${reasons.map((r) => JSON.stringify(r)).join(',')}\t${linkId(event)}`;
    args.push(meta, `${json.slice(0, -1)},`);
  }
  await withScript(db.redis).tidingsStoreEvents(keys.length, ...keys, ...args);
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

function marksFrom(bursts: readonly string[], honeypots: readonly string[]): EditionMarks {
  return { bursts: bursts.map(Number), honeypots: honeypots.map(Number) };
}

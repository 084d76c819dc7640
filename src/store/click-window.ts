// The Redis side of the bot rules that need more than one click: a short window of clicks per
// (subscriber, edition) and the moments that looked automated (bursts, honeypot hits). The click judge
// (workers/judge-clicks.ts) feeds it from the events stream, off the redirect's path; whatever learns from
// or counts clicks asks automatedReasons, which joins a click's own flags with these marks.
import type { ReaderEvent } from '../contracts';
import { automatedVerdict, defaultBotRules, type BotRules, type EditionMarks } from '../core/links/bots';
import type { Db } from './keys';
import { scriptCommand } from './script-command';

/** Click windows only matter for minutes; a day leaves room for judging a spill replayed after an outage. */
const WINDOW_TTL_SECONDS = 24 * 3600;
/** Marks are kept long enough for anyone to ask about any click still in the stream's recent past. */
const MARKS_TTL_SECONDS = 30 * 24 * 3600;

// One call judges one reader's clicks of one edition (scripts/judge-clicks.lua): its window, bursts and
// honeypots share the {subscriber:edition} hash tag, so it is safe on Redis Cluster whatever the prefix.
const judgeClicksCommand = scriptCommand<number>('judge-clicks');

/**
 * Pass clicks through their edition's window, marking bursts and honeypot hits; other events are ignored.
 * One call per (subscriber, edition), all sent at once (ioredis pipelines them). Resolves with the clicks judged.
 */
export async function judgeClicks(db: Db, events: readonly ReaderEvent[], rules: BotRules = defaultBotRules): Promise<number> {
  const byPair = new Map<string, ReaderEvent[]>();
  for (const event of events) {
    if (event.type !== 'click') continue;
    const pair = `${event.subscriber_id}\n${event.edition_id}`;
    const clicks = byPair.get(pair);
    if (clicks) clicks.push(event);
    else byPair.set(pair, [event]);
  }
  const settings = [rules.burstSeconds * 1000, rules.burstLinks, WINDOW_TTL_SECONDS, MARKS_TTL_SECONDS];
  const judged = await Promise.all(
    [...byPair.values()].map((clicks) => {
      const { subscriber_id: subscriber, edition_id: edition } = clicks[0]!;
      const keys = [
        db.keys.clickWindow(subscriber, edition),
        db.keys.botBursts(subscriber, edition),
        db.keys.botHoneypots(subscriber, edition),
      ];
      return judgeClicksCommand(db.redis, keys, [
        ...settings,
        ...clicks.map((e) => `${Date.parse(e.at)}\t${e.kind === 'honeypot' ? 1 : 0}\t${linkId(e)}`),
      ]);
    }),
  );
  return judged.reduce((sum, n) => sum + n, 0);
}

/**
 * Is this event automated? Its own flags, plus what its edition's window shows around it (a burst or a
 * honeypot hit, before or after it). Ask once the click judge has passed the click and the window has
 * closed (the learner waits for both).
 */
export async function automatedReasons(
  db: Db,
  event: ReaderEvent,
  rules: BotRules = defaultBotRules,
): Promise<{ automated: boolean; reasons: string[] }> {
  if (event.type !== 'click') return automatedVerdict(event, { bursts: [], honeypots: [] }, rules);
  const at = Date.parse(event.at);
  const [bursts, honeypots] = await Promise.all([
    db.redis.zrangebyscore(
      db.keys.botBursts(event.subscriber_id, event.edition_id),
      at - rules.burstSeconds * 1000,
      at + rules.burstSeconds * 1000,
      'LIMIT',
      0,
      1,
    ),
    db.redis.zrangebyscore(
      db.keys.botHoneypots(event.subscriber_id, event.edition_id),
      at - rules.honeypotWindowSeconds * 1000,
      at + rules.honeypotWindowSeconds * 1000,
      'LIMIT',
      0,
      1,
    ),
  ]);
  return automatedVerdict(event, marksFrom(bursts, honeypots), rules);
}

/** Every mark of one (subscriber, edition), for judging many of its clicks at once (the dashboard). */
export async function editionMarks(db: Db, subscriberId: string, editionId: string): Promise<EditionMarks> {
  const [bursts, honeypots] = await Promise.all([
    db.redis.zrange(db.keys.botBursts(subscriberId, editionId), '0', '-1'),
    db.redis.zrange(db.keys.botHoneypots(subscriberId, editionId), '0', '-1'),
  ]);
  return marksFrom(bursts, honeypots);
}

function linkId(event: ReaderEvent): string {
  return `${event.kind ?? ''}:${event.article_id ?? ''}:${event.position ?? ''}`;
}

function marksFrom(bursts: readonly string[], honeypots: readonly string[]): EditionMarks {
  return { bursts: bursts.map(Number), honeypots: honeypots.map(Number) };
}

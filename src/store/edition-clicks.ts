// Click figures for the dashboard, read from each events shard newest first, a page at a time, up to a cap.
import type { ReaderEvent } from '../contracts';
import { automatedVerdict, type EditionMarks } from '../core/links/bots';
import { clickAccumulator, type EditionClicks } from '../core/delivery/edition-stats';
import { editionMarks } from './click-window';
import { entryEvent } from './events';
import type { Db } from './keys';

/** The dashboard reads at most this many recent events; older editions show what falls inside the window. */
export const DASHBOARD_EVENT_WINDOW = 100_000;
const PAGE = 2000;

export async function editionClicks(
  db: Db,
  editionIds: readonly string[],
  maxEvents = DASHBOARD_EVENT_WINDOW,
  topN = 5,
): Promise<Map<string, EditionClicks>> {
  const wanted = new Set(editionIds);
  const acc = clickAccumulator(wanted, topN);
  // Bursts and honeypot hits are marked by the click judge, not in the entries: each reader's marks, read once.
  const marks = new Map<string, Promise<EditionMarks>>();
  const judged = async (event: ReaderEvent): Promise<ReaderEvent> => {
    if (event.type !== 'click' || !wanted.has(event.edition_id)) return event;
    const pair = `${event.subscriber_id}\n${event.edition_id}`;
    let found = marks.get(pair);
    if (!found) marks.set(pair, (found = editionMarks(db, event.subscriber_id, event.edition_id)));
    const verdict = automatedVerdict(event, await found);
    return { ...event, suspected_bot: verdict.automated, bot_reasons: verdict.reasons };
  };
  // Shard by shard, each newest first, each up to its share of `maxEvents` (the window is the same span of time in each).
  const perShard = Math.ceil(maxEvents / db.keys.eventStreams.length);
  for (const stream of db.keys.eventStreams) {
    let end = '+';
    let read = 0;
    while (read < perShard) {
      const rows = await db.redis.xrevrange(stream, end, '-', 'COUNT', PAGE);
      if (rows.length === 0) break;
      const events = rows.map(([, fields]) => entryEvent(fields)).filter((e): e is ReaderEvent => e !== null);
      for (const event of await Promise.all(events.map(judged))) acc.add(event);
      read += rows.length;
      if (rows.length < PAGE) break;
      end = `(${rows[rows.length - 1]![0]}`;
    }
  }
  return acc.result();
}

// One reader's recent clicks for the operator's subscriber page, each judged the way the learner judges it:
// its own flags joined with the marks the click judge left on its edition (a burst, a honeypot hit).
import { automatedVerdict, type EditionMarks } from '../core/links/bots';
import { editionMarks } from './click-window';
import { entryEvent } from './events';
import type { Db } from './keys';

export interface ReaderClick {
  at: string;
  article_id: string | null;
  edition_id: string;
  automated: boolean;
  reasons: string[];
}

/** The reader's newest clicks, newest first: at most `limit`, from at most `scan` of their newest events. */
export async function readerClicks(db: Db, subscriberId: string, limit = 30, scan = 5000): Promise<ReaderClick[]> {
  const rows = await db.redis.xrevrange(db.keys.readerEvents(subscriberId), '+', '-', 'COUNT', scan);
  const clicks = [];
  for (const [, fields] of rows) {
    const event = entryEvent(fields);
    // The stream is the reader's shard, shared with other readers.
    if (event?.type !== 'click' || event.subscriber_id !== subscriberId) continue;
    clicks.push(event);
    if (clicks.length >= limit) break;
  }
  const marks = new Map<string, Promise<EditionMarks>>();
  for (const { edition_id } of clicks) if (!marks.has(edition_id)) marks.set(edition_id, editionMarks(db, subscriberId, edition_id));
  return Promise.all(
    clicks.map(async (event) => {
      const verdict = automatedVerdict(event, await marks.get(event.edition_id)!);
      return { at: event.at, article_id: event.article_id, edition_id: event.edition_id, ...verdict };
    }),
  );
}

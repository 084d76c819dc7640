// Click figures for the dashboard, read from the events stream newest first, a page at a time, up to a cap.
import { readerEventSchema } from '../contracts';
import { clickAccumulator, type EditionClicks } from '../core/edition-stats';
import type { Db } from './keys';

/** The dashboard reads at most this many recent events; older editions show what falls inside the window. */
export const DASHBOARD_EVENT_WINDOW = 100_000;
const PAGE = 2000;

export async function editionClicks(db: Db, editionIds: readonly string[], maxEvents = DASHBOARD_EVENT_WINDOW): Promise<Map<string, EditionClicks>> {
  const acc = clickAccumulator(new Set(editionIds));
  let end = '+';
  let read = 0;
  while (read < maxEvents) {
    const rows = await db.redis.xrevrange(db.keys.events, end, '-', 'COUNT', PAGE);
    if (rows.length === 0) break;
    for (const [, fields] of rows) {
      const parsed = readerEventSchema.safeParse(JSON.parse(fields[1] ?? 'null'));
      if (parsed.success) acc.add(parsed.data);
    }
    read += rows.length;
    if (rows.length < PAGE) break;
    end = `(${rows[rows.length - 1]![0]}`;
  }
  return acc.result();
}

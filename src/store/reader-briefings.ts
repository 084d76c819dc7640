// What each reader was sent, kept for their web archive: per edition the ranked article ids with their reasons
// and the send moment, so the web view re-signs exactly the links the email carried.
import { z } from 'zod';
import type { Db } from './keys';

export const readerBriefingSchema = z.object({
  edition: z.string(),
  /** The moment the edition stands for (ms): links carry it, so a re-signed link is the email's link. */
  sent_at: z.number().int(),
  items: z.array(z.object({ id: z.string(), reasons: z.array(z.string()).default([]) })),
});
export type ReaderBriefing = z.infer<typeof readerBriefingSchema>;

/** Briefings kept per reader (about a year of daily editions); older ones drop out of the archive. */
export const ARCHIVE_MAX = 400;

type Tx = ReturnType<Db['redis']['multi']>;

/** Queue the archive write of one sent briefing on a transaction (the sender's, so it lands with the delivery). */
export function addReaderBriefing(tx: Tx, db: Db, subscriberId: string, briefing: ReaderBriefing): void {
  tx.hset(db.keys.readerBriefings(subscriberId), briefing.edition, JSON.stringify(briefing));
  tx.zadd(db.keys.readerEditions(subscriberId), briefing.sent_at, briefing.edition);
  // Keep the archive bounded: the oldest beyond ARCHIVE_MAX go (their hash fields are left for the next trim to miss; harmless and small).
  tx.zremrangebyrank(db.keys.readerEditions(subscriberId), 0, -(ARCHIVE_MAX + 1));
}

export async function getReaderBriefing(db: Db, subscriberId: string, edition: string): Promise<ReaderBriefing | null> {
  const raw = await db.redis.hget(db.keys.readerBriefings(subscriberId), edition);
  return raw ? readerBriefingSchema.parse(JSON.parse(raw)) : null;
}

/** The newest briefing this reader was sent, or null. */
export async function latestReaderBriefing(db: Db, subscriberId: string): Promise<ReaderBriefing | null> {
  const [edition] = await db.redis.zrevrange(db.keys.readerEditions(subscriberId), 0, 0);
  return edition ? getReaderBriefing(db, subscriberId, edition) : null;
}

export interface ArchiveEntry {
  edition: string;
  sent_at: number;
}

/** One page of the archive, newest first, and how many there are in all. */
export async function listReaderBriefings(
  db: Db,
  subscriberId: string,
  start: number,
  count: number,
): Promise<{ entries: ArchiveEntry[]; total: number }> {
  const [rows, total] = await Promise.all([
    db.redis.zrevrange(db.keys.readerEditions(subscriberId), start, start + count - 1, 'WITHSCORES'),
    db.redis.zcard(db.keys.readerEditions(subscriberId)),
  ]);
  const entries: ArchiveEntry[] = [];
  for (let i = 0; i < rows.length; i += 2) entries.push({ edition: rows[i]!, sent_at: Number(rows[i + 1]) });
  return { entries, total };
}

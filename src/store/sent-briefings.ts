// The briefings readers were sent, kept for a while so "view in browser" and the text part's short links work.
import { sentBriefingSchema, type SentBriefing } from '../contracts';
import { briefingHandle } from '../core/links/compact-links';
import type { Db } from './keys';

/** How long a sent briefing can be viewed and its short links followed. The HTML part's own links never expire. */
export const SENT_BRIEFING_TTL_SECONDS = 30 * 24 * 3600;

/** Keep what a reader was sent (idempotent: the same inputs store the same record). Returns its handle. */
export async function saveSentBriefing(db: Db, record: SentBriefing): Promise<string> {
  const handle = await briefingHandle(record.edition, record.subscriber);
  const packed = await deflate(JSON.stringify(sentBriefingSchema.parse(record)));
  await db.redis.set(db.keys.sentBriefing(handle), Buffer.from(packed), 'EX', SENT_BRIEFING_TTL_SECONDS);
  return handle;
}

/** The briefing a handle names, or null when it was never stored or has expired. */
export async function getSentBriefing(db: Db, handle: string): Promise<SentBriefing | null> {
  const packed = await db.redis.getBuffer(db.keys.sentBriefing(handle));
  if (!packed) return null;
  return sentBriefingSchema.parse(JSON.parse(await inflate(Uint8Array.from(packed))));
}

/** What `subscriberId` was sent in `editionId`, while it is kept (for pages that show a past briefing). */
export async function sentBriefingOf(db: Db, editionId: string, subscriberId: string): Promise<SentBriefing | null> {
  return getSentBriefing(db, await briefingHandle(editionId, subscriberId));
}

// Web streams, so this runs the same on Node and Workers. A record is ~60% text that deflates to about a third.
async function deflate(text: string): Promise<Uint8Array> {
  return new Uint8Array(await new Response(new Blob([text]).stream().pipeThrough(new CompressionStream('deflate'))).arrayBuffer());
}

async function inflate(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate'))).text();
}

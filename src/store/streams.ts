// Reading Redis Streams' bookkeeping: stream ids in order, and where each consumer group stands.
import type { RedisClient } from './keys';

/** Compare two stream ids ("ms-seq") in stream order. */
export function compareStreamIds(a: string, b: string): number {
  const [aMs, aSeq] = a.split('-').map(Number) as [number, number];
  const [bMs, bSeq] = b.split('-').map(Number) as [number, number];
  return aMs - bMs || (aSeq ?? 0) - (bSeq ?? 0);
}

export interface GroupPosition {
  name: string;
  /** The newest entry handed to any of its consumers. */
  lastDeliveredId: string;
  /** The oldest entry handed out and not yet acknowledged, if any. */
  oldestPendingId: string | null;
}

/** Where every consumer group of `stream` stands (the stream must exist). */
export async function groupPositions(redis: RedisClient, stream: string): Promise<GroupPosition[]> {
  const groups = (await redis.xinfo('GROUPS', stream)) as Array<Array<string | number>>;
  return Promise.all(
    groups.map(async (fields) => {
      const info: Record<string, string | number> = {};
      for (let i = 0; i + 1 < fields.length; i += 2) info[String(fields[i])] = fields[i + 1]!;
      const name = String(info.name);
      let oldestPendingId: string | null = null;
      if (Number(info.pending) > 0) [, oldestPendingId] = (await redis.xpending(stream, name)) as [number, string | null];
      return { name, lastDeliveredId: String(info['last-delivered-id']), oldestPendingId };
    }),
  );
}

/** Has this group finished with the entry: handed it out, and not holding it pending? */
export function groupIsPast(group: GroupPosition, entryId: string): boolean {
  return (
    compareStreamIds(entryId, group.lastDeliveredId) <= 0 &&
    (group.oldestPendingId === null || compareStreamIds(entryId, group.oldestPendingId) < 0)
  );
}

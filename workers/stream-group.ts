// Reading the reader-event stream through a consumer group, as the learner and the click judge do:
// first what this consumer read before a restart and never acknowledged, then entries a crashed consumer
// left pending (claimed after they idle long enough), then new ones.
import { duplicateRedis } from '../src/store/connection';
import type { RedisClient } from '../src/store/keys';

export type StreamEntry = [id: string, fields: string[]];

export interface GroupReaderOptions {
  redis: RedisClient;
  stream: string;
  group: string;
  consumer: string;
  batch: number;
  /** An entry pending this long on another consumer is taken to be abandoned by a crashed process. */
  claimIdleMs: number;
}

/** Create the consumer group if it is missing, starting from the beginning of the stream. */
export async function ensureGroup(redis: RedisClient, stream: string, group: string): Promise<void> {
  try {
    await redis.xgroup('CREATE', stream, group, '0', 'MKSTREAM');
  } catch (error) {
    if (!(error instanceof Error && error.message.includes('BUSYGROUP'))) throw error;
  }
}

export function createGroupReader(o: GroupReaderOptions) {
  let ownPendingDone = false;
  let blocking = false;

  async function read(blockMs: number | null): Promise<StreamEntry[]> {
    while (!ownPendingDone) {
      const own = (await o.redis.xreadgroup('GROUP', o.group, o.consumer, 'COUNT', o.batch, 'STREAMS', o.stream, '0')) as Array<
        [string, StreamEntry[]]
      > | null;
      const all = own?.[0]?.[1] ?? [];
      // Entries trimmed from the stream while pending come back without fields: nothing to do, let them go.
      const gone = all.filter(([, fields]) => fields === null).map(([id]) => id);
      if (gone.length > 0) await o.redis.xack(o.stream, o.group, ...gone);
      const entries = all.filter(([, fields]) => fields !== null);
      if (entries.length > 0) return entries;
      if (gone.length === 0) ownPendingDone = true;
    }
    const claimed = (await o.redis.xautoclaim(o.stream, o.group, o.consumer, o.claimIdleMs, '0', 'COUNT', o.batch)) as [
      string,
      StreamEntry[],
      string[]?,
    ];
    const abandoned = (claimed[1] ?? []).filter((e) => e && e[1]);
    if (abandoned.length > 0) return abandoned;
    const args: Array<string | number> = ['GROUP', o.group, o.consumer, 'COUNT', o.batch];
    if (blockMs !== null) args.push('BLOCK', blockMs);
    args.push('STREAMS', o.stream, '>');
    blocking = blockMs !== null;
    const fresh = (await (o.redis.xreadgroup as (...a: Array<string | number>) => Promise<unknown>)(...args).finally(
      () => (blocking = false),
    )) as Array<[string, StreamEntry[]]> | null;
    return fresh?.[0]?.[1] ?? [];
  }

  return {
    read,
    /** Read this consumer's own pending entries again first (after a failed or unfinished batch). */
    rereadOwnPending(): void {
      ownPendingDone = false;
    },
    /** True while a read is blocked waiting for new entries (a close may cut it short: nothing was read). */
    isBlocking: () => blocking,
  };
}

/**
 * A consumer's own connection: XREADGROUP BLOCK holds one (and the learner's WATCH belongs to one). A
 * duplicate has none of the original's listeners; a failed batch is logged by the loop, not per retry.
 */
export function consumerConnection(shared: RedisClient): RedisClient {
  const redis = duplicateRedis(shared);
  redis.on('error', () => {});
  return redis;
}

export interface GroupLoopOptions {
  /** The consumer's own connection (consumerConnection), closed with the loop. */
  redis: RedisClient;
  reader: ReturnType<typeof createGroupReader>;
  ensure: () => Promise<void>;
  /** Handle one batch; resolves with how long to wait before the next (0: at once). */
  batch: () => Promise<number>;
  log: { error(obj: object, msg?: string): void };
  /** Names the loop in its log lines ("learner", "click judge"). */
  name: string;
}

/**
 * Run batches until close(). A failed batch is logged and its unacknowledged entries re-read first, after a
 * second. close() lets a batch being handled finish and cuts short a read blocked waiting (nothing was read).
 */
export function groupLoop(o: GroupLoopOptions): { start(): void; close(): Promise<void> } {
  let stopping = false;
  let loop: Promise<void> | null = null;
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  return {
    start() {
      loop ??= (async () => {
        await o.ensure();
        while (!stopping) {
          try {
            const wait = await o.batch();
            // A second at a time at most, so close() stays prompt.
            if (wait > 0) await pause(Math.min(wait, 1000));
          } catch (error) {
            if (stopping) break;
            o.reader.rereadOwnPending();
            o.log.error({ err: error instanceof Error ? error.message : String(error) }, `${o.name} batch failed; retrying in a second`);
            await pause(1000);
          }
        }
      })();
    },
    async close() {
      stopping = true;
      if (o.reader.isBlocking()) o.redis.disconnect();
      await loop?.catch(() => {});
      if (o.redis.status === 'ready') await o.redis.quit();
      else o.redis.disconnect();
    },
  };
}

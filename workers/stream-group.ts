// Reading the reader-event stream through a consumer group, as the learner and the click judge do:
// first what this consumer read before a restart and never acknowledged, then entries a crashed consumer
// left pending (claimed after they idle long enough), then new ones.
import { duplicateRedis } from '../src/store/connection';
import type { RedisClient } from '../src/store/keys';

export type StreamEntry = [id: string, fields: string[]];
/** An entry with the stream (shard) it came from, which is where it is acknowledged. */
export type ShardEntry = [id: string, fields: string[], stream: string];

export interface GroupReaderOptions {
  redis: RedisClient;
  /** One stream, or the shards of one (each with the same group); entries of one stream come in order. */
  streams: readonly string[];
  group: string;
  consumer: string;
  /**
   * About this many entries per read, spread over the streams: each stream is asked for batch ÷ streams (at least
   * MIN_PER_STREAM, so one reader's few events of a moment come in one read). Asked for the whole batch each, 64 shards of a consumer that fell behind came back as 64 batches at once
   * (the judge's 1,000 a shard: 64,000 entries, a few hundred MB of a worker's heap while it sends).
   */
  batch: number;
  /** An entry pending this long on another consumer is taken to be abandoned by a crashed process. */
  claimIdleMs: number;
}

/** Create the consumer group on each stream if it is missing, starting from the beginning of the stream. */
export async function ensureGroup(redis: RedisClient, streams: string | readonly string[], group: string): Promise<void> {
  await Promise.all(
    (typeof streams === 'string' ? [streams] : streams).map(async (stream) => {
      try {
        await redis.xgroup('CREATE', stream, group, '0', 'MKSTREAM');
      } catch (error) {
        if (!(error instanceof Error && error.message.includes('BUSYGROUP'))) throw error;
      }
    }),
  );
}

/**
 * Between two looks at the shards while waiting for new entries (a block cannot span shards on several nodes):
 * from the shortest, doubling while nothing comes, up to the longest; entries bring it back to the shortest.
 */
const POLL_MIN_MS = 50;
/** The least a read asks of each stream. */
const MIN_PER_STREAM = 16;
const POLL_MAX_MS = 1000;

export function createGroupReader(o: GroupReaderOptions) {
  const ownPendingDone = new Set<string>();
  let blocking = false;
  let lastClaim = 0;
  let wake: (() => void) | null = null;
  let pollMs = POLL_MIN_MS;
  const tag = (stream: string, entries: StreamEntry[]): ShardEntry[] => entries.map(([id, fields]) => [id, fields, stream]);
  const count = Math.min(o.batch, Math.max(MIN_PER_STREAM, Math.ceil(o.batch / o.streams.length)));

  async function ownPending(stream: string): Promise<ShardEntry[]> {
    while (!ownPendingDone.has(stream)) {
      const own = (await o.redis.xreadgroup('GROUP', o.group, o.consumer, 'COUNT', count, 'STREAMS', stream, '0')) as Array<
        [string, StreamEntry[]]
      > | null;
      const all = own?.[0]?.[1] ?? [];
      // Entries trimmed from the stream while pending come back without fields: nothing to do, let them go.
      const gone = all.filter(([, fields]) => fields === null).map(([id]) => id);
      if (gone.length > 0) await o.redis.xack(stream, o.group, ...gone);
      const entries = all.filter(([, fields]) => fields !== null);
      if (entries.length > 0) return tag(stream, entries);
      if (gone.length === 0) ownPendingDone.add(stream);
    }
    return [];
  }

  async function abandoned(stream: string): Promise<ShardEntry[]> {
    const claimed = (await o.redis.xautoclaim(stream, o.group, o.consumer, o.claimIdleMs, '0', 'COUNT', count)) as [
      string,
      StreamEntry[],
      string[]?,
    ];
    return tag(
      stream,
      (claimed[1] ?? []).filter((e) => e && e[1]),
    );
  }

  async function fresh(stream: string, blockMs: number | null): Promise<ShardEntry[]> {
    const args: Array<string | number> = ['GROUP', o.group, o.consumer, 'COUNT', count];
    if (blockMs !== null) args.push('BLOCK', blockMs);
    args.push('STREAMS', stream, '>');
    const read = (await (o.redis.xreadgroup as (...a: Array<string | number>) => Promise<unknown>)(...args)) as Array<
      [string, StreamEntry[]]
    > | null;
    return tag(stream, read?.[0]?.[1] ?? []);
  }

  /** What this consumer should handle next: its own pending, then abandoned entries, then new ones (waiting up to blockMs). */
  async function read(blockMs: number | null): Promise<ShardEntry[]> {
    const own = (await Promise.all(o.streams.map(ownPending))).flat();
    if (own.length > 0) return own;
    // Claiming looks at every shard: at most every few seconds, or when asked not to wait (tests, one-shot runs).
    if (blockMs === null || Date.now() - lastClaim > Math.min(5000, o.claimIdleMs)) {
      lastClaim = Date.now();
      const claimed = (await Promise.all(o.streams.map(abandoned))).flat();
      if (claimed.length > 0) return claimed;
    }
    // One stream can block in Redis; shards on several nodes are looked at in turn until something arrives.
    if (o.streams.length === 1) {
      blocking = blockMs !== null;
      return fresh(o.streams[0]!, blockMs).finally(() => (blocking = false));
    }
    const deadline = Date.now() + (blockMs ?? 0);
    for (;;) {
      const entries = (await Promise.all(o.streams.map((stream) => fresh(stream, null)))).flat();
      if (entries.length > 0) pollMs = POLL_MIN_MS;
      if (entries.length > 0 || blockMs === null || Date.now() >= deadline) return entries;
      blocking = true;
      const wait = Math.min(pollMs, deadline - Date.now());
      pollMs = Math.min(pollMs * 2, POLL_MAX_MS);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      }).finally(() => {
        blocking = false;
        wake = null;
      });
    }
  }

  return {
    read,
    /** Read this consumer's own pending entries again first (after a failed or unfinished batch). */
    rereadOwnPending(): void {
      ownPendingDone.clear();
    },
    /** True while a read is waiting for new entries (a close may cut it short: nothing was read). */
    isBlocking: () => blocking,
    /** Cut a wait between looks short (close()). */
    wake: () => wake?.(),
  };
}

/** Acknowledge entries, each in its own stream (shard). */
export async function ackEntries(
  redis: RedisClient,
  group: string,
  entries: ReadonlyArray<readonly [string, unknown, string]>,
): Promise<void> {
  const byStream = new Map<string, string[]>();
  for (const [id, , stream] of entries) (byStream.get(stream) ?? byStream.set(stream, []).get(stream)!).push(id);
  await Promise.all([...byStream].map(([stream, ids]) => redis.xack(stream, group, ...ids)));
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

/** How long a loop asked to give way waits before it handles one batch anyway (it never stops for good). */
const GIVE_WAY_AT_MOST_MS = 30_000;
/** How often it looks again while it waits. */
const GIVE_WAY_STEP_MS = 250;

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
  /** While this answers true (an edition being sent: send-activity.ts), batches wait, GIVE_WAY_AT_MOST_MS at most before each. */
  giveWayWhile?: () => boolean;
}

/**
 * Run batches until close(), giving way while giveWayWhile says so. A failed batch is logged and its unacknowledged
 * entries re-read first, after a second. close() lets a batch being handled finish and cuts short a read blocked
 * waiting (nothing was read).
 */
export function groupLoop(o: GroupLoopOptions): { start(): void; close(): Promise<void> } {
  let stopping = false;
  let loop: Promise<void> | null = null;
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  return {
    start() {
      loop ??= (async () => {
        await o.ensure();
        let gaveWayMs = 0;
        while (!stopping) {
          if (o.giveWayWhile?.() && gaveWayMs < GIVE_WAY_AT_MOST_MS) {
            await pause(GIVE_WAY_STEP_MS);
            gaveWayMs += GIVE_WAY_STEP_MS;
            continue;
          }
          gaveWayMs = 0;
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
      o.reader.wake();
      if (o.reader.isBlocking()) o.redis.disconnect();
      await loop?.catch(() => {});
      if (o.redis.status === 'ready') await o.redis.quit();
      else o.redis.disconnect();
    },
  };
}

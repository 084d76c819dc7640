// The buffered recorder: reader events wait in a bounded in-process buffer and reach storage in batches,
// so a redirect never waits on Redis. When storage fails, events spill to a local file (Node) and are
// replayed when it returns, or are retried (Workers); whatever cannot be kept is counted and logged.
import type { ReaderEvent } from '../contracts';
import type { Logger } from '../core/logger';
import type { EventRecorder, RecorderStats } from './recorder';

/** Where events wait while storage is away (an append-only file on Node). */
export interface EventSpill {
  append(events: readonly ReaderEvent[]): Promise<void>;
  /** True when spilled events are waiting to be replayed. */
  hasPending(): Promise<boolean>;
  /**
   * Hand spilled events to `store` in batches, oldest first. Resolves with how many were stored;
   * when `store` fails it keeps what was not stored and rejects.
   */
  replay(store: (events: ReaderEvent[]) => Promise<void>, batchSize: number): Promise<number>;
}

export interface BufferedRecorderOptions {
  /** Store one batch, in one round trip where possible; rejects when storage is unreachable. */
  store: (events: ReaderEvent[]) => Promise<void>;
  log: Logger;
  /** With a spill, failed batches go there and are replayed; without one, they are retried. */
  spill?: EventSpill;
  /** Events held in memory at most; beyond this an event is counted as lost and logged. */
  maxBuffered?: number;
  batchSize?: number;
  /** Without a spill: the waits between attempts before a batch is given up (counted and logged). */
  retryDelaysMs?: readonly number[];
  /** With a spill: how often to try storage again while events are spilling. */
  recoverEveryMs?: number;
  /**
   * Wait this long for a batch to fill before storing a partial one. Fewer, larger calls cost the
   * process and Redis far less per event under load; 0 stores at once (tests, Workers' waitUntil).
   */
  lingerMs?: number;
}

export interface BufferedRecorderStats extends RecorderStats {
  /** Events written to the spill and not yet replayed. */
  spilled: number;
  /** Events replayed from the spill into storage. */
  replayed: number;
  /** True while storage is unreachable and events go to the spill. */
  spilling: boolean;
}

export interface BufferedRecorder extends EventRecorder {
  stats(): BufferedRecorderStats;
  /** Stop the recovery timer (after a final flush). */
  close(): void;
}

const defaults = { maxBuffered: 50_000, batchSize: 500, retryDelaysMs: [100, 400, 1500], recoverEveryMs: 1000 } as const;

/** Create a recorder whose record() only pushes to memory; one serial pump moves batches to storage. */
export function createBufferedRecorder(options: BufferedRecorderOptions): BufferedRecorder {
  const { store, log, spill } = options;
  const maxBuffered = options.maxBuffered ?? defaults.maxBuffered;
  const batchSize = options.batchSize ?? defaults.batchSize;
  const retryDelaysMs = options.retryDelaysMs ?? defaults.retryDelaysMs;
  const recoverEveryMs = options.recoverEveryMs ?? defaults.recoverEveryMs;
  const lingerMs = options.lingerMs ?? 0;

  const buffer: ReaderEvent[] = [];
  const counts = { recorded: 0, failed: 0, spilled: 0, replayed: 0 };
  let spilling = false;
  let running: Promise<void> | null = null;
  let recoveryTimer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  // A file left by an earlier run (crash, or Redis down at shutdown) is replayed as soon as possible.
  let checkSpillAtStart = spill !== undefined;

  // One log line per second at most, so an overload cannot also flood the log; the counter has every event.
  let lastLossLog = -Infinity;
  let unlogged = 0;
  const lose = (count: number, error: unknown, why: string) => {
    counts.failed += count;
    unlogged += count;
    const now = Date.now();
    if (now - lastLossLog < 1000) return;
    lastLossLog = now;
    log.error({ lost: unlogged, lost_total: counts.failed, err: errorText(error) }, `reader events lost: ${why}`);
    unlogged = 0;
  };

  const spillBatch = async (batch: ReaderEvent[]) => {
    try {
      await spill!.append(batch);
      counts.spilled += batch.length;
    } catch (error) {
      lose(batch.length, error, 'the spill file could not be written');
    }
  };

  const storeWithRetries = async (batch: ReaderEvent[]) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await store(batch);
        counts.recorded += batch.length;
        return;
      } catch (error) {
        if (spill) {
          spilling = true;
          log.warn(
            { err: errorText(error), events: batch.length },
            'event storage unreachable: spilling reader events to disk until it returns',
          );
          await spillBatch(batch);
          scheduleRecovery();
          return;
        }
        const wait = retryDelaysMs[attempt];
        if (wait === undefined) return lose(batch.length, error, `storage still failed after ${attempt + 1} attempts`);
        await sleep(wait);
      }
    }
  };

  /** Replay the spill; on success, events go straight to storage again. */
  const recover = async () => {
    try {
      let replayed = 0;
      while (await spill!.hasPending()) replayed += await spill!.replay(storeCounted, batchSize);
      if (spilling || replayed > 0) log.info({ replayed }, 'event storage is back: spilled reader events replayed');
      spilling = false;
    } catch (error) {
      spilling = true;
      log.debug({ err: errorText(error) }, 'event storage still unreachable');
      scheduleRecovery();
    }
  };

  const storeCounted = async (events: ReaderEvent[]) => {
    await store(events);
    counts.replayed += events.length;
    counts.recorded += events.length;
    counts.spilled = Math.max(0, counts.spilled - events.length);
  };

  let recoveryDue = false;
  const scheduleRecovery = () => {
    if (recoveryTimer !== undefined || closed) return;
    recoveryTimer = setTimeout(() => {
      recoveryTimer = undefined;
      recoveryDue = true;
      kick();
    }, recoverEveryMs);
    (recoveryTimer as { unref?: () => void }).unref?.();
  };

  const pump = async () => {
    if (checkSpillAtStart) {
      checkSpillAtStart = false;
      await recover();
    }
    for (;;) {
      if (spilling && recoveryDue) {
        recoveryDue = false;
        await recover();
      }
      if (buffer.length === 0) return;
      if (lingerMs > 0 && buffer.length < batchSize && !spilling) await sleep(lingerMs);
      const batch = buffer.splice(0, batchSize);
      // While spilling, newer events follow older ones into the file, so replay keeps their order.
      if (spilling) await spillBatch(batch);
      else await storeWithRetries(batch);
    }
  };

  const kick = () => {
    running ??= pump().finally(() => {
      running = null;
      if (buffer.length > 0 || recoveryDue) kick();
    });
  };

  return {
    record(event) {
      if (buffer.length >= maxBuffered) {
        lose(1, null, `the in-memory buffer is full (${maxBuffered} events)`);
        return;
      }
      buffer.push(event);
      kick();
    },
    async flush() {
      if (spilling) recoveryDue = true;
      kick();
      while (running) await running;
      if (unlogged > 0) {
        log.error({ lost: unlogged, lost_total: counts.failed }, 'reader events lost (not yet logged)');
        unlogged = 0;
      }
    },
    stats: () => ({
      recorded: counts.recorded,
      pending: buffer.length,
      failed: counts.failed,
      spilled: counts.spilled,
      replayed: counts.replayed,
      spilling,
    }),
    close() {
      closed = true;
      if (recoveryTimer !== undefined) clearTimeout(recoveryTimer);
      recoveryTimer = undefined;
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function errorText(error: unknown): string | null {
  if (error === null || error === undefined) return null;
  return error instanceof Error ? error.message : String(error);
}

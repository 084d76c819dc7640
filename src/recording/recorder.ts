// How the edge app records reader events without making a request wait for Redis.
import type { ReaderEvent } from '../contracts';

export interface EventRecorder {
  /** Hand an event over; never throws and never waits on storage. */
  record(event: ReaderEvent): void;
  /** Resolve once every event handed over so far is stored (or accounted for as lost). */
  flush(): Promise<void>;
  /** Counters for health and metrics. */
  stats(): RecorderStats;
}

export interface RecorderStats {
  recorded: number;
  pending: number;
  failed: number;
}

/**
 * The simplest honest recorder: each event is appended as it arrives; a failure is counted and
 * logged, never thrown at the request.
 */
export function createDirectRecorder(append: (events: ReaderEvent[]) => Promise<void>, onError: (error: unknown, lost: number) => void): EventRecorder {
  const inFlight = new Set<Promise<void>>();
  let recorded = 0;
  let failed = 0;
  return {
    record(event) {
      const write = append([event]).then(
        () => void recorded++,
        (error: unknown) => {
          failed++;
          onError(error, 1);
        },
      );
      inFlight.add(write);
      void write.finally(() => inFlight.delete(write));
    },
    async flush() {
      await Promise.all([...inFlight]);
    },
    stats: () => ({ recorded, pending: inFlight.size, failed }),
  };
}

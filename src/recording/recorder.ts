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

// Keeps the reader-events stream from growing for ever: with Redis at maxmemory-policy noeviction, an
// untrimmed stream would one day refuse every write. Hourly, entries older than EVENTS_RETENTION_DAYS
// go, but never one a consumer group (learn, judge) has not finished with.
import type { Logger } from '../src/core/logger';
import type { Db } from '../src/store/keys';
import { trimEvents } from '../src/store/events';

const EVERY_MS = 60 * 60_000;
const DAY_MS = 24 * 60 * 60_000;

export function startEventTrimmer(deps: { db: Db; log: Logger; now: () => Date; retentionDays: number }): { close(): void } {
  if (deps.retentionDays === 0) return { close() {} };
  const trim = async () => {
    try {
      const removed = await trimEvents(deps.db, deps.retentionDays * DAY_MS, deps.now().getTime());
      if (removed > 0) deps.log.info({ removed, retention_days: deps.retentionDays }, 'old reader events trimmed from the stream');
    } catch (error) {
      deps.log.warn(
        { err: error instanceof Error ? error.message : String(error) },
        'trimming the reader-events stream failed; trying again in an hour',
      );
    }
  };
  const timer = setInterval(() => void trim(), EVERY_MS);
  timer.unref();
  void trim();
  return { close: () => clearInterval(timer) };
}

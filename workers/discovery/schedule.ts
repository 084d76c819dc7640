// Discovery on a schedule: every DISCOVERY_INTERVAL_MINUTES one worker process runs a round. A lease
// in Redis (SET NX PX) makes it one round for the whole deployment, however many workers run.
import type { Logger } from '../../src/core/logger';
import type { Db } from '../../src/store/keys';
import { discoverRound, type DiscoveryConfig } from './round';
import type { SearchProvider } from './search';
import type { FeedParser } from '../parse-feed';

/** How often a worker checks whether a round is due; the lease decides who runs it. */
const CHECK_MS = 60_000;

export function startDiscoverySchedule(deps: {
  db: Db;
  log: Logger;
  now: () => Date;
  config: DiscoveryConfig & { DISCOVERY_INTERVAL_MINUTES: number };
  search: SearchProvider | null;
  parser?: FeedParser;
}): { close(): void } {
  const intervalMs = deps.config.DISCOVERY_INTERVAL_MINUTES * 60_000;
  if (intervalMs === 0) return { close() {} };
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      // The lease lasts one interval: whoever takes it runs the round; nobody else until it lapses.
      const taken = await deps.db.redis.set(deps.db.keys.discoveryLease, String(process.pid), 'PX', intervalMs, 'NX');
      if (taken === 'OK') await discoverRound(deps);
    } catch (error) {
      deps.log.warn(
        { err: error instanceof Error ? error.message : String(error) },
        'discovery round failed; the next one runs on schedule',
      );
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), CHECK_MS);
  timer.unref();
  return { close: () => clearInterval(timer) };
}

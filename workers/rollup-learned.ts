// Rolls the learner's per-bucket deltas into the global {learned} views (popularity, source engagement, global
// interest, learner stats) every few seconds, so those views trail the learner by about one interval. Every
// workers process runs it: the rollup is exactly-once however many run at once (src/store/learned-rollup.ts).
import type { Logger } from '../src/core/logger';
import type { Db } from '../src/store/keys';
import { rollUpLearned } from '../src/store/learned-rollup';

/** How often each bucket's delta is moved into the global views: the most they trail the learner, plus a round's time. */
export const ROLLUP_EVERY_MS = 2000;

export function startLearnedRollup(deps: { db: Db; log: Logger; everyMs?: number }): { close(): Promise<void> } {
  const everyMs = deps.everyMs ?? ROLLUP_EVERY_MS;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  let closed = false;
  let failing = false;
  const round = async () => {
    try {
      const result = await rollUpLearned(deps.db);
      if (failing) deps.log.info({ buckets: result.buckets }, 'learned counts roll up again');
      failing = false;
    } catch (error) {
      // What failed stays pending in its bucket and is rolled up by a later round; say so once, not every round.
      if (!failing)
        deps.log.warn(
          { err: error instanceof Error ? error.message.slice(0, 300) : String(error) },
          'rolling the learned counts up failed; they stay pending per bucket and are retried every round',
        );
      failing = true;
    }
  };
  const next = () => {
    if (closed) return;
    timer = setTimeout(() => {
      running = round().then(next);
    }, everyMs);
    timer.unref();
  };
  running = round().then(next);
  return {
    /** Stop after the round in progress (a round cut off part-way is finished by the next one, anywhere). */
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

// Applies the schedule definitions kept in Redis to BullMQ job schedulers. The edge app cannot run BullMQ
// (Workers), so it and the CLI only write definitions and bump a version; every worker process polls that
// version and makes BullMQ match. Upserting is idempotent, so several workers reconciling at once agree.
import type { Queue } from 'bullmq';
import type { Schedule } from '../src/contracts';
import type { Logger } from '../src/core/logger';
import { SUBSCRIBER_TZ_TICK_PATTERN } from '../src/core/schedule/schedule-time';
import type { Db } from '../src/store/keys';
import { readSchedules } from '../src/store/schedules';
import { isScheduleSchedulerId, queueNames, scheduleSchedulerId, type PlanEditionJob } from './queues';

/** The BullMQ repeat options for a schedule: its own cron and zone, or a UTC tick for per-reader zones. */
function repeatOptions(schedule: Schedule): { pattern: string; tz: string } {
  return schedule.tz === 'subscriber' ? { pattern: SUBSCRIBER_TZ_TICK_PATTERN, tz: 'UTC' } : { pattern: schedule.cron, tz: schedule.tz };
}

export interface ReconcileResult {
  active: string[];
  removed: string[];
  /** Schedules that could not be applied, with why; every other schedule was applied all the same. */
  failed: Array<{ name: string; problem: string }>;
}

/** Make the plan-edition queue's job schedulers match the definitions; returns what changed. One bad schedule never blocks the others. */
export async function reconcileSchedules(db: Db, planEditionQueue: Queue<PlanEditionJob>): Promise<ReconcileResult> {
  const { schedules, invalid } = await readSchedules(db);
  const failed = [...invalid];
  const active: string[] = [];
  for (const s of schedules.filter((x) => !x.paused)) {
    try {
      await planEditionQueue.upsertJobScheduler(scheduleSchedulerId(s.name), repeatOptions(s), {
        name: queueNames.planEdition,
        data: { schedule: s.name, now: false },
      });
      active.push(s.name);
    } catch (error) {
      failed.push({ name: s.name, problem: (error as Error).message });
    }
  }
  // A schedule that failed is neither applied nor removed: whatever BullMQ had for it stays until it is fixed.
  const wanted = new Set([...active, ...failed.map((f) => f.name)].map(scheduleSchedulerId));
  const removed: string[] = [];
  for (const existing of await planEditionQueue.getJobSchedulers(0, -1)) {
    const id = existing.key;
    if (isScheduleSchedulerId(id) && !wanted.has(id)) {
      await planEditionQueue.removeJobScheduler(id);
      removed.push(id);
    }
  }
  return { active, removed, failed };
}

export interface Reconciler {
  close(): Promise<void>;
}

/** Poll the schedules version and reconcile whenever it moves (and once at start). */
export async function startScheduleReconciler(
  db: Db,
  planEditionQueue: Queue<PlanEditionJob>,
  log: Logger,
  intervalMs = 2000,
): Promise<Reconciler> {
  let applied: string | null = null;
  let reported = '';
  let running: Promise<void> = Promise.resolve();
  const tick = async () => {
    try {
      const version = (await db.redis.get(db.keys.schedulesVersion)) ?? '0';
      if (version === applied) return;
      const result = await reconcileSchedules(db, planEditionQueue);
      // With a failure the version stays unapplied, so a passing cause (Redis restarting) is retried on the next tick.
      if (result.failed.length === 0) applied = version;
      const said = `${version}:${JSON.stringify(result.failed)}`;
      if (said !== reported) {
        reported = said;
        log.info({ version, active: result.active, removed: result.removed }, 'schedules applied');
        // Said once, not every tick: the others are applied, and these wait for the operator to fix them.
        for (const f of result.failed)
          log.error({ version, schedule: f.name, problem: f.problem }, 'schedule could not be applied; the others were');
      }
    } catch (error) {
      log.warn({ err: (error as Error).message }, 'schedules could not be applied; retrying');
    }
  };
  await tick();
  const timer = setInterval(() => {
    running = running.then(tick);
  }, intervalMs);
  timer.unref();
  return {
    async close() {
      clearInterval(timer);
      await running;
    },
  };
}

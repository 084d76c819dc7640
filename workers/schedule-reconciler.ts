// Applies the schedule definitions kept in Redis to BullMQ job schedulers. The edge app cannot run BullMQ
// (Workers), so it and the CLI only write definitions and bump a version; every worker process polls that
// version and makes BullMQ match. Upserting is idempotent, so several workers reconciling at once agree.
import type { Queue } from 'bullmq';
import type { Schedule } from '../src/contracts';
import type { Logger } from '../src/core/logger';
import { SUBSCRIBER_TZ_TICK_PATTERN } from '../src/core/schedule/schedule-time';
import type { Db } from '../src/store/keys';
import { listSchedules } from '../src/store/schedules';
import { isScheduleSchedulerId, queueNames, scheduleSchedulerId, type PlanEditionJob } from './queues';

/** The BullMQ repeat options for a schedule: its own cron and zone, or a UTC tick for per-reader zones. */
function repeatOptions(schedule: Schedule): { pattern: string; tz: string } {
  return schedule.tz === 'subscriber' ? { pattern: SUBSCRIBER_TZ_TICK_PATTERN, tz: 'UTC' } : { pattern: schedule.cron, tz: schedule.tz };
}

/** Make the plan-edition queue's job schedulers match the definitions; returns what changed. */
export async function reconcileSchedules(db: Db, planEditionQueue: Queue<PlanEditionJob>): Promise<{ active: string[]; removed: string[] }> {
  const schedules = await listSchedules(db);
  const active = schedules.filter((s) => !s.paused);
  for (const s of active) {
    await planEditionQueue.upsertJobScheduler(scheduleSchedulerId(s.name), repeatOptions(s), { name: queueNames.planEdition, data: { schedule: s.name, now: false } });
  }
  const wanted = new Set(active.map((s) => scheduleSchedulerId(s.name)));
  const removed: string[] = [];
  for (const existing of await planEditionQueue.getJobSchedulers(0, -1)) {
    const id = existing.key;
    if (isScheduleSchedulerId(id) && !wanted.has(id)) {
      await planEditionQueue.removeJobScheduler(id);
      removed.push(id);
    }
  }
  return { active: active.map((s) => s.name), removed };
}

export interface Reconciler {
  close(): Promise<void>;
}

/** Poll the schedules version and reconcile whenever it moves (and once at start). */
export async function startScheduleReconciler(db: Db, planEditionQueue: Queue<PlanEditionJob>, log: Logger, intervalMs = 2000): Promise<Reconciler> {
  let applied: string | null = null;
  let running: Promise<void> = Promise.resolve();
  const tick = async () => {
    try {
      const version = (await db.redis.get(db.keys.schedulesVersion)) ?? '0';
      if (version === applied) return;
      const result = await reconcileSchedules(db, planEditionQueue);
      applied = version;
      log.info({ version, ...result }, 'schedules applied');
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

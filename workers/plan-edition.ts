// The plan-edition job: turn a schedule and a moment into editions, walk the subscribers a page at a time, claim one
// delivery record per (edition, reader) and enqueue send batches of ≤100 with deterministic job ids.
// It checkpoints its place, so a planner that dies resumes where it stopped; planning twice plans nothing new.
import type { Job, Queue } from 'bullmq';
import type { Schedule } from '../src/contracts';
import type { Logger } from '../src/core/logger';
import { dueDateInWindow, editionId, localTime, parseCron } from '../src/core/schedule/schedule-time';
import { cronAtHour, wantsBriefingOn } from '../src/core/schedule/reader-due';
import { claimDeliveries, markPlanningDone, registerEdition } from '../src/store/deliveries';
import type { Db } from '../src/store/keys';
import { getSchedule } from '../src/store/schedules';
import { planningPage, type PlanningEntry } from '../src/store/subscribers';
import { stageClock } from './send-stages';
import { MAX_BATCH, planEditionJobSchema, queueNames, sendBatchJobId, type SendBatchJob } from './queues';

const CURSOR_TTL_SECONDS = 7 * 24 * 3600;
/**
 * Pages of readers planned together: their reads, claims and jobs go out at once. One page at a time, each waiting its
 * turn on a worker busy composing, planned ~330 readers a second and held a 100,000-reader edition below the
 * provider's 500 a second.
 */
const PAGES_AT_ONCE = 8;

export interface PlanDeps {
  db: Db;
  log: Logger;
  now: () => Date;
  sendQueue: Queue<SendBatchJob>;
}

export interface PlanResult {
  schedule: string;
  editions: string[];
  /** Readers newly put into a batch by this run. */
  planned: number;
  batches: number;
  skipped?: string;
}

export function planEditionProcessor(deps: PlanDeps) {
  return async (job: Job): Promise<PlanResult> => {
    const data = planEditionJobSchema.parse(job.data);
    const schedule = await getSchedule(deps.db, data.schedule);
    if (!schedule) return { schedule: data.schedule, editions: [], planned: 0, batches: 0, skipped: 'the schedule was removed' };
    if (schedule.paused && !data.now)
      return { schedule: schedule.name, editions: [], planned: 0, batches: 0, skipped: 'the schedule is paused' };
    // A scheduler's job carries its fire time as timestamp + delay; a retried job keeps it, so it plans the same editions.
    const at = new Date(data.at ?? job.timestamp + (job.delay ?? 0));
    return planSchedule(deps, schedule, at, { now: data.now });
  };
}

/**
 * Which edition a reader belongs to at `at`, or null when it is not their time: the schedule's time (or, in a
 * schedule in the reader's zone, their own delivery hour), their frequency and their pause all have a say.
 */
function editionResolver(schedule: Schedule, at: Date, now: boolean): (reader: PlanningEntry) => string | null {
  const fixed = schedule.tz !== 'subscriber' ? editionId(schedule.name, localTime(at, schedule.tz).date) : null;
  const crons = new Map<number | null, ReturnType<typeof parseCron>>();
  const cronFor = (hour: number | null) => {
    if (!crons.has(hour)) crons.set(hour, parseCron(hour === null ? schedule.cron : cronAtHour(schedule.cron, hour)));
    return crons.get(hour)!;
  };
  // Cached per (zone, hour): a run meets few distinct ones.
  const dates = new Map<string, string | null>();
  const dueDate = (reader: PlanningEntry): string | null => {
    const key = `${reader.timezone}|${reader.delivery_hour ?? ''}`;
    if (!dates.has(key)) {
      const date =
        fixed !== null || now ? localTime(at, reader.timezone).date : dueDateInWindow(cronFor(reader.delivery_hour), at, reader.timezone);
      dates.set(key, date);
    }
    return dates.get(key)!;
  };
  return (reader) => {
    const date = dueDate(reader);
    if (date === null || !wantsBriefingOn(reader, date)) return null;
    return fixed ?? editionId(schedule.name, date);
  };
}

/** Plan one run of a schedule; safe to run again (it resumes, and claims nobody twice). */
export async function planSchedule(deps: PlanDeps, schedule: Schedule, at: Date, options: { now: boolean }): Promise<PlanResult> {
  const resolve = editionResolver(schedule, at, options.now);
  const minute = Math.floor(at.getTime() / 60_000) * 60_000;
  // A fixed zone has one run per edition; a per-reader zone has one run per tick, each feeding the editions due then.
  const runTag = schedule.tz === 'subscriber' ? `t${new Date(minute).toISOString().replace(/[-:]/g, '').slice(0, 13)}-` : '';
  const runKey = schedule.tz === 'subscriber' ? `${schedule.name}@${runTag}` : editionId(schedule.name, localTime(at, schedule.tz).date);
  const cursorKey = deps.db.keys.planCursor(runKey);
  let start = Number((await deps.db.redis.get(cursorKey)) ?? 0);
  const editions = new Set<string>();
  let planned = 0;
  let batches = 0;
  const clock = stageClock();
  for (;;) {
    const pageStart = performance.now();
    const page = await planningPage(deps.db, start, MAX_BATCH * PAGES_AT_ONCE);
    if (page.ids.length === 0) break;
    // Each run of MAX_BATCH readers is grouped on its own, as when pages were read one at a time: the batch ids
    // (and so what a resumed or repeated run plans) stay the same.
    const plans: BatchPlan[] = [];
    for (let offset = 0; offset < page.ids.length; offset += MAX_BATCH) {
      const groups = new Map<string, string[]>();
      for (const s of page.entries.slice(offset, offset + MAX_BATCH)) {
        if (!s || s.status !== 'active') continue;
        const edition = resolve(s);
        if (edition === null) continue;
        groups.set(edition, [...(groups.get(edition) ?? []), s.id]);
      }
      for (const [edition, ids] of groups)
        plans.push({ editionId: edition, batchId: `${edition}__${runTag}p${start + offset}`, subscriberIds: ids, sentAt: minute });
    }
    for (const plan of plans) {
      if (editions.has(plan.editionId)) continue;
      await registerEdition(deps.db, plan.editionId, schedule.name, deps.now());
      editions.add(plan.editionId);
    }
    for (const { claimed } of await Promise.all(plans.map((plan) => planBatch(deps, plan)))) {
      if (claimed.length === 0) continue;
      planned += claimed.length;
      batches++;
    }
    start += page.ids.length;
    await deps.db.redis.set(cursorKey, String(start), 'EX', CURSOR_TTL_SECONDS);
    if (clock.enabled) clock.add('plan_wait', performance.now() - pageStart);
  }
  for (const edition of editions) await markPlanningDone(deps.db, edition);
  deps.log.info({ schedule: schedule.name, editions: [...editions], planned, batches }, 'editions planned');
  return { schedule: schedule.name, editions: [...editions], planned, batches };
}

export interface BatchPlan {
  editionId: string;
  /** Deterministic: planning the same readers again rebuilds the same batch, never a second one. */
  batchId: string;
  subscriberIds: readonly string[];
  /** When the edition was planned (ms): it stands for "sent at" in links, so a retry composes the same bytes. */
  sentAt: number;
}

/**
 * Plan one batch of an edition: claim a delivery record for each reader not yet claimed by another batch and
 * enqueue one send job for them (its job id makes a repeated plan a no-op). The planner and `send-now --to`
 * both come through here. Returns the readers this batch owns, and its job id when it has any.
 */
export async function planBatch(
  deps: Pick<PlanDeps, 'db' | 'now' | 'sendQueue'>,
  plan: BatchPlan,
): Promise<{ claimed: string[]; jobId: string | null }> {
  const claimed = await claimDeliveries(deps.db, plan.editionId, plan.batchId, plan.subscriberIds, deps.now());
  if (claimed.length === 0) return { claimed, jobId: null };
  const jobId = sendBatchJobId(plan.batchId);
  await deps.sendQueue.add(
    queueNames.sendBatch,
    { edition_id: plan.editionId, batch_id: plan.batchId, subscriber_ids: claimed, sent_at: plan.sentAt },
    { jobId },
  );
  return { claimed, jobId };
}

// The plan-polling job: source polling on BullMQ job schedulers (ingest queue), one per source, each at an
// interval set by how much readers engage with the source (the interest module's polling priority). A job
// scheduler of its own re-plans every few minutes; the workers also re-plan once at start.
import type { Job } from 'bullmq';
import type { Config } from '../src/env';
import type { Logger } from '../src/core/logger';
import { pollIntervalMinutes } from '../src/core/interest/popularity';
import { sourceEngagement } from '../src/store/interest';
import type { Db } from '../src/store/keys';
import { listSources } from '../src/store/sources';
import { isPollSchedulerId, PLAN_POLLING_SCHEDULER_ID, planPollingJobSchema, pollSchedulerId, queueNames, type Queues } from './queues';

const PLAN_EVERY_MS = 10 * 60_000;

export interface PollPlan {
  source: string;
  minutes: number;
  changed: boolean;
}

export interface PlanPollingDeps {
  db: Db;
  log: Logger;
  config: Pick<Config, 'POLL_INTERVAL_MINUTES'>;
}

type PollingQueues = Pick<Queues, 'ingest' | 'planPolling'>;

export function planPollingProcessor(deps: PlanPollingDeps & { queues: PollingQueues }) {
  return async (job: Job): Promise<PollPlan[]> => {
    planPollingJobSchema.parse(job.data);
    return syncPollSchedules(deps, deps.queues);
  };
}

/** Make one scheduler per source at its engagement-based interval, drop schedulers of removed sources. */
export async function syncPollSchedules(deps: PlanPollingDeps, queues: PollingQueues): Promise<PollPlan[]> {
  const [sources, engagement, existing] = await Promise.all([
    listSources(deps.db),
    sourceEngagement(deps.db),
    queues.ingest.getJobSchedulers(0, -1),
  ]);
  const current = new Map(existing.filter((s) => isPollSchedulerId(s.key)).map((s) => [s.key, Number(s.every ?? 0)]));
  const most = Math.max(0, ...sources.map((s) => engagement.get(s.id) ?? 0));
  const plans: PollPlan[] = [];
  for (const source of sources) {
    const minutes = pollIntervalMinutes(most > 0 ? (engagement.get(source.id) ?? 0) / most : 0, deps.config.POLL_INTERVAL_MINUTES);
    const id = pollSchedulerId(source.id);
    const changed = current.get(id) !== minutes * 60_000;
    // Re-upsert only on a change: the first poll of a new interval comes one interval from now.
    if (changed) await upsertPoll(queues, source.id, minutes);
    current.delete(id);
    plans.push({ source: source.id, minutes, changed });
  }
  for (const orphan of current.keys()) await queues.ingest.removeJobScheduler(orphan);
  await queues.planPolling.upsertJobScheduler(
    PLAN_POLLING_SCHEDULER_ID,
    { every: PLAN_EVERY_MS },
    { name: queueNames.planPolling, data: {} },
  );
  // Before re-planning had a queue of its own it rode the ingest queue under the same scheduler id: drop that one.
  await queues.ingest.removeJobScheduler(PLAN_POLLING_SCHEDULER_ID);
  const changed = plans.filter((p) => p.changed);
  if (changed.length > 0 || current.size > 0)
    deps.log.info(
      { changed: changed.map((p) => `${p.source}:${p.minutes}m`), removed: [...current.keys()] },
      'source polling re-planned from reader engagement',
    );
  return plans;
}

export async function upsertPoll(queues: Pick<Queues, 'ingest'>, sourceId: string, minutes: number): Promise<void> {
  const every = minutes * 60_000;
  await queues.ingest.upsertJobScheduler(
    pollSchedulerId(sourceId),
    { every, startDate: Date.now() + every },
    { name: queueNames.ingest, data: { source_id: sourceId } },
  );
}

export async function removePoll(queues: Pick<Queues, 'ingest'>, sourceId: string): Promise<void> {
  await queues.ingest.removeJobScheduler(pollSchedulerId(sourceId));
}

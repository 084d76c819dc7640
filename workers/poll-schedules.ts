// Source polling on BullMQ job schedulers, one per source, each at an interval set by how much
// readers engage with the source (the interest module's polling priority); re-planned periodically.
import type { Config } from '../src/env';
import type { Logger } from '../src/core/logger';
import { pollIntervalMinutes } from '../src/core/interest/popularity';
import { sourceEngagement } from '../src/store/interest';
import type { Db } from '../src/store/keys';
import { listSources } from '../src/store/sources';
import type { Queues } from './queues';

/** The job name (on the ingest queue) of the periodic re-planning. */
export const PLAN_POLLING = 'plan-polling';
const PLAN_EVERY_MS = 10 * 60_000;
const PREFIX = 'poll__';

export const pollSchedulerId = (sourceId: string) => `${PREFIX}${sourceId}`;

export interface PollPlan {
  source: string;
  minutes: number;
  changed: boolean;
}

interface PollDeps {
  db: Db;
  log: Logger;
  config: Pick<Config, 'POLL_INTERVAL_MINUTES'>;
}

/** Make one scheduler per source at its engagement-based interval, drop schedulers of removed sources. */
export async function syncPollSchedules(deps: PollDeps, queues: Pick<Queues, 'ingest'>): Promise<PollPlan[]> {
  const [sources, engagement, existing] = await Promise.all([listSources(deps.db), sourceEngagement(deps.db), queues.ingest.getJobSchedulers(0, -1)]);
  const current = new Map(existing.filter((s) => s.key.startsWith(PREFIX)).map((s) => [s.key, Number(s.every ?? 0)]));
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
  await queues.ingest.upsertJobScheduler(PLAN_POLLING, { every: PLAN_EVERY_MS }, { name: PLAN_POLLING, data: { source_id: PLAN_POLLING } });
  const changed = plans.filter((p) => p.changed);
  if (changed.length > 0 || current.size > 0) deps.log.info({ changed: changed.map((p) => `${p.source}:${p.minutes}m`), removed: [...current.keys()] }, 'source polling re-planned from reader engagement');
  return plans;
}

export async function upsertPoll(queues: Pick<Queues, 'ingest'>, sourceId: string, minutes: number): Promise<void> {
  const every = minutes * 60_000;
  await queues.ingest.upsertJobScheduler(pollSchedulerId(sourceId), { every, startDate: Date.now() + every }, { name: 'ingest', data: { source_id: sourceId } });
}

export async function removePoll(queues: Pick<Queues, 'ingest'>, sourceId: string): Promise<void> {
  await queues.ingest.removeJobScheduler(pollSchedulerId(sourceId));
}

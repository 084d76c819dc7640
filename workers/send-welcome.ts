// The welcome briefing: the edge app appends a request to a Redis Stream when a sign-up is confirmed (it never
// touches BullMQ); this consumer turns each into a one-reader edition planned like any other (claim a delivery,
// enqueue a send batch), so the welcome goes the normal plan → send road and lands in the reader's archive.
import type { Queue } from 'bullmq';
import type { Logger } from '../src/core/logger';
import { markPlanningDone, registerEdition } from '../src/store/deliveries';
import type { Db } from '../src/store/keys';
import { getSubscriber } from '../src/store/subscribers';
import { planBatch } from './plan-edition';
import type { SendBatchJob } from './queues';
import { consumerConnection, createGroupReader, ensureGroup, groupLoop, type ShardEntry } from './stream-group';

export const WELCOME_GROUP = 'welcome';

export interface WelcomeDeps {
  db: Db;
  log: Logger;
  now: () => Date;
  sendQueue: Queue<SendBatchJob>;
}

/** The welcome edition of one request: named by the request's time and the reader, so a redelivered request plans nothing new. */
export function welcomeEditionId(entryId: string, subscriberId: string): string {
  const ms = Number(entryId.split('-')[0]);
  const stamp = new Date(ms).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `welcome-${stamp}-${subscriberId}`;
}

/** Plan one welcome briefing; returns the edition, or null when the reader is gone or not active. */
export async function planWelcome(deps: WelcomeDeps, entryId: string, subscriberId: string): Promise<string | null> {
  const subscriber = await getSubscriber(deps.db, subscriberId);
  if (!subscriber || subscriber.status !== 'active') return null;
  const edition = welcomeEditionId(entryId, subscriberId);
  const batchId = `${edition}__p0`;
  const now = deps.now();
  await registerEdition(deps.db, edition, null, now);
  await planBatch(deps, { editionId: edition, batchId, subscriberIds: [subscriberId], sentAt: Math.floor(now.getTime() / 1000) * 1000 });
  await markPlanningDone(deps.db, edition);
  return edition;
}

/** Consume welcome requests until close(). */
export function startWelcomeWorker(deps: WelcomeDeps): { close(): Promise<void> } {
  const redis = consumerConnection(deps.db.redis);
  const stream = deps.db.keys.welcome;
  const reader = createGroupReader({
    redis,
    streams: [stream],
    group: WELCOME_GROUP,
    consumer: `welcome-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
    batch: 20,
    claimIdleMs: 30_000,
  });
  const handle = async ([id, fields]: ShardEntry) => {
    const subscriberId = fields[fields.indexOf('subscriber_id') + 1];
    const edition = subscriberId ? await planWelcome(deps, id, subscriberId) : null;
    deps.log.info(
      { request: id, subscriber: subscriberId, edition },
      edition ? 'welcome briefing planned' : 'welcome briefing not needed (reader gone or not active)',
    );
    await redis.multi().xack(stream, WELCOME_GROUP, id).xdel(stream, id).exec();
  };
  const loop = groupLoop({
    redis,
    reader,
    name: 'welcome sender',
    log: deps.log,
    ensure: () => ensureGroup(redis, stream, WELCOME_GROUP),
    batch: async () => {
      for (const entry of await reader.read(1000)) await handle(entry);
      return 0;
    },
  });
  loop.start();
  return loop;
}

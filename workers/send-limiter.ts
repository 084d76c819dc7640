// The send rate: BullMQ's limiter starts from SEND_RATE_LIMIT and follows what the provider says in its
// ratelimit-* headers, so Tidings sends as fast as the account allows and no faster.
import type { Queue, Worker } from 'bullmq';
import type { SendBatchJob } from '../src/contracts';
import { finishDeliveries, getDeliveries } from '../src/store/deliveries';
import type { Db } from '../src/store/keys';
import type { RateLimitInfo } from './batch-transport';

/**
 * Follow the provider: its stated limit replaces ours (BullMQ reads the worker's limiter on every fetch),
 * and an exhausted window pauses the queue until the provider's reset rather than earning a 429.
 */
export async function adaptLimiter(worker: Worker, queue: Queue, info: RateLimitInfo): Promise<void> {
  const limiter = worker.opts.limiter;
  if (limiter && info.limit !== null && info.limit > 0 && info.limit !== limiter.max) limiter.max = info.limit;
  if (info.remaining === 0 && info.resetMs !== null && info.resetMs > 0) await queue.rateLimit(info.resetMs);
}

/** A batch out of attempts: its readers still queued are marked failed with the last error, so nothing waits forever. */
export async function giveUpBatch(deps: { db: Db; now: () => Date }, data: SendBatchJob, reason: string): Promise<void> {
  const records = await getDeliveries(deps.db, data.edition_id, data.subscriber_ids);
  const stuck = data.subscriber_ids.filter((_, i) => records[i]?.status === 'queued' && records[i]?.batch === data.batch_id);
  await finishDeliveries(deps.db, data.edition_id, data.batch_id, stuck.map((subscriberId) => ({ subscriberId, status: 'failed', reason: `gave up after every attempt: ${reason}` })), deps.now());
}

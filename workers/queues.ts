// Queue names, the BullMQ prefix and default job options, in one place.
import { Queue, type ConnectionOptions, type DefaultJobOptions } from 'bullmq';
import type { BriefingJob, IngestJob } from '../src/contracts';

export const queueNames = {
  ingest: 'ingest',
  briefing: 'briefing',
} as const;

export const defaultJobOptions: DefaultJobOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

export interface Queues {
  ingest: Queue<IngestJob>;
  briefing: Queue<BriefingJob>;
  close(): Promise<void>;
}

/** Open every queue under one prefix (hash-tagged, so a Redis Cluster keeps a flow on one slot). */
export function openQueues(connection: ConnectionOptions, prefix: string): Queues {
  const ingest = new Queue<IngestJob>(queueNames.ingest, { connection, prefix, defaultJobOptions });
  const briefing = new Queue<BriefingJob>(queueNames.briefing, { connection, prefix, defaultJobOptions });
  return {
    ingest,
    briefing,
    async close() {
      await Promise.all([ingest.close(), briefing.close()]);
    },
  };
}

/** One briefing per (edition, subscriber): the job id makes a repeated request a no-op. */
export function briefingJobId(job: BriefingJob): string {
  return `briefing__${job.edition_id}__${job.subscriber_id}`;
}

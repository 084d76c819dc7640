// Queue names, the BullMQ prefix and default job options, in one place.
import { Queue, type ConnectionOptions, type DefaultJobOptions } from 'bullmq';
import type { IngestJob, PlanJob, SendBatchJob } from '../src/contracts';

export const queueNames = {
  ingest: 'ingest',
  plan: 'plan',
  send: 'send',
} as const;

export const defaultJobOptions: DefaultJobOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

export interface Queues {
  ingest: Queue<IngestJob>;
  plan: Queue<PlanJob>;
  send: Queue<SendBatchJob>;
  close(): Promise<void>;
}

/** Open every queue under one prefix (hash-tagged, so a Redis Cluster keeps a flow on one slot). */
export function openQueues(connection: ConnectionOptions, prefix: string, sending: SendingJobOptions = {}): Queues {
  const ingest = new Queue<IngestJob>(queueNames.ingest, { connection, prefix, defaultJobOptions });
  const plan = new Queue<PlanJob>(queueNames.plan, { connection, prefix, defaultJobOptions });
  const send = new Queue<SendBatchJob>(queueNames.send, { connection, prefix, defaultJobOptions: sendJobOptions(sending) });
  return {
    ingest,
    plan,
    send,
    async close() {
      await Promise.all([ingest.close(), plan.close(), send.close()]);
    },
  };
}

export interface SendingJobOptions {
  attempts?: number;
  backoffMs?: number;
}

/** Send batches retry 5xx and network errors with exponential backoff; a 429 never spends an attempt. */
export function sendJobOptions(sending: SendingJobOptions): DefaultJobOptions {
  return {
    ...defaultJobOptions,
    attempts: sending.attempts ?? defaultJobOptions.attempts,
    backoff: { type: 'exponential', delay: sending.backoffMs ?? 2000 },
    removeOnComplete: { age: 24 * 3600, count: 100_000 },
  };
}

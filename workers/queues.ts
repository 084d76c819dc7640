// Every BullMQ queue in one place: its name (what it does; handled by workers/<name>.ts), the contract of its
// job payloads (each processor parses job.data with it first), its job and job-scheduler ids, default options.
import { Queue, type ConnectionOptions, type DefaultJobOptions } from 'bullmq';
import { z } from 'zod';

export const queueNames = {
  /** Fetch one source's feed and keep what passes the article contract (workers/ingest.ts). */
  ingest: 'ingest',
  /** Re-plan how often each source is polled, from reader engagement (workers/plan-polling.ts). */
  planPolling: 'plan-polling',
  /** Turn a schedule's run into editions and batches of readers (workers/plan-edition.ts). */
  planEdition: 'plan-edition',
  /** Compose and send one batch of an edition (workers/send-batch.ts). */
  sendBatch: 'send-batch',
} as const;

/** Resend's batch API takes at most this many emails per request: the size of a send batch. */
export const MAX_BATCH = 100;

export const ingestJobSchema = z.object({
  source_id: z.string().min(1),
});
export type IngestJob = z.infer<typeof ingestJobSchema>;

/** Re-planning needs no input: it reads every source and its engagement. */
export const planPollingJobSchema = z.object({});
export type PlanPollingJob = z.infer<typeof planPollingJobSchema>;

export const planEditionJobSchema = z.object({
  schedule: z.string().min(1),
  /** The moment the plan stands for (ms); a scheduler job uses its fire time. */
  at: z.number().int().optional(),
  /** Plan every reader now, ignoring the schedule's time of day (send-now --schedule). */
  now: z.boolean().default(false),
});
export type PlanEditionJob = z.infer<typeof planEditionJobSchema>;

export const sendBatchJobSchema = z.object({
  edition_id: z.string().min(1),
  batch_id: z.string().min(1),
  subscriber_ids: z.array(z.string().min(1)).min(1).max(MAX_BATCH),
  /** When the edition was planned (ms): it stands for "sent at" in links, so a retry composes the same bytes. */
  sent_at: z.number().int(),
});
export type SendBatchJob = z.infer<typeof sendBatchJobSchema>;

// Job ids are deterministic, so asking twice for the same work adds it once (bullmq's idempotent jobs).
const SCHEDULE_SCHEDULER = 'schedule__';
const POLL_SCHEDULER = 'poll__';

/** The send job of one batch: planning the same batch again adds nothing. */
export const sendBatchJobId = (batchId: string): string => `send__${batchId}`;
/** The job scheduler (plan-edition queue) that plans a schedule's runs. */
export const scheduleSchedulerId = (schedule: string): string => `${SCHEDULE_SCHEDULER}${schedule}`;
export const isScheduleSchedulerId = (id: string): boolean => id.startsWith(SCHEDULE_SCHEDULER);
/** The job scheduler (ingest queue) that polls one source. */
export const pollSchedulerId = (sourceId: string): string => `${POLL_SCHEDULER}${sourceId}`;
export const isPollSchedulerId = (id: string): boolean => id.startsWith(POLL_SCHEDULER);
/** The job scheduler (plan-polling queue) that re-plans source polling periodically. */
export const PLAN_POLLING_SCHEDULER_ID = 'plan-polling';

const defaultJobOptions: DefaultJobOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

export interface Queues {
  ingest: Queue<IngestJob>;
  planPolling: Queue<PlanPollingJob>;
  planEdition: Queue<PlanEditionJob>;
  sendBatch: Queue<SendBatchJob>;
  /** Every queue above, for boards, metrics and listeners. */
  all: readonly Queue[];
  close(): Promise<void>;
}

/**
 * The BullMQ prefix of one queue: QUEUE_PREFIX's name with the queue's, in one hash tag (`{tidings}` →
 * `{tidings:send-batch}`). A queue's keys must share a slot on a Redis Cluster; a tag per queue lets the queues
 * land on different nodes (Tidings has no parent/child flows, which would need one tag for all).
 */
export function queuePrefix(prefix: string, queue: string): string {
  return `{${prefix.replace(/[{}]/g, '')}:${queue}}`;
}

/** Open every queue, each under its own hash-tagged prefix (queuePrefix). */
export function openQueues(connection: ConnectionOptions, prefix: string, sending: SendingJobOptions = {}): Queues {
  const options = (queue: string) => ({ connection, prefix: queuePrefix(prefix, queue), defaultJobOptions });
  const ingest = new Queue<IngestJob>(queueNames.ingest, options(queueNames.ingest));
  const planPolling = new Queue<PlanPollingJob>(queueNames.planPolling, options(queueNames.planPolling));
  const planEdition = new Queue<PlanEditionJob>(queueNames.planEdition, options(queueNames.planEdition));
  const sendBatch = new Queue<SendBatchJob>(queueNames.sendBatch, {
    ...options(queueNames.sendBatch),
    defaultJobOptions: sendJobOptions(sending),
  });
  const all: Queue[] = [ingest, planPolling, planEdition, sendBatch];
  return {
    ingest,
    planPolling,
    planEdition,
    sendBatch,
    all,
    async close() {
      await Promise.all(all.map((q) => q.close()));
    },
  };
}

export interface SendingJobOptions {
  attempts?: number;
  backoffMs?: number;
}

/** Send batches retry 5xx and network errors with exponential backoff; a 429 never spends an attempt. */
function sendJobOptions(sending: SendingJobOptions): DefaultJobOptions {
  return {
    ...defaultJobOptions,
    attempts: sending.attempts ?? defaultJobOptions.attempts,
    backoff: { type: 'exponential', delay: sending.backoffMs ?? 2000 },
    removeOnComplete: { age: 24 * 3600, count: 100_000 },
  };
}

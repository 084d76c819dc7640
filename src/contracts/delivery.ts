// Delivery records and sending job payloads: one record per (edition, subscriber), batches of ≤100.
import { z } from 'zod';

export const deliveryStatuses = ['queued', 'sent', 'failed', 'skipped'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

export const deliverySchema = z.object({
  status: z.enum(deliveryStatuses),
  /** The batch job that owns this delivery; a re-plan never moves a reader to another batch. */
  batch: z.string().min(1),
  message_id: z.string().optional(),
  reason: z.string().optional(),
  at: z.iso.datetime({ offset: true }),
});
export type Delivery = z.infer<typeof deliverySchema>;

/** Resend's batch API takes at most this many emails per request. */
export const MAX_BATCH = 100;

export const sendBatchJobSchema = z.object({
  edition_id: z.string().min(1),
  batch_id: z.string().min(1),
  subscriber_ids: z.array(z.string().min(1)).min(1).max(MAX_BATCH),
  /** When the edition was planned (ms): it stands for "sent at" in links, so a retry composes the same bytes. */
  sent_at: z.number().int(),
});
export type SendBatchJob = z.infer<typeof sendBatchJobSchema>;

export const planJobSchema = z.object({
  schedule: z.string().min(1),
  /** The moment the plan stands for (ms); a scheduler job uses its fire time. */
  at: z.number().int().optional(),
  /** Plan every reader now, ignoring the schedule's time of day (send-now --schedule). */
  now: z.boolean().default(false),
});
export type PlanJob = z.infer<typeof planJobSchema>;

export const editionSummarySchema = z.object({
  id: z.string(),
  schedule: z.string().nullable(),
  created_at: z.string().nullable(),
  planned: z.number(),
  queued: z.number(),
  sent: z.number(),
  failed: z.number(),
  skipped: z.number(),
  bounced: z.number(),
  complained: z.number(),
  planning_done: z.boolean(),
});
export type EditionSummary = z.infer<typeof editionSummarySchema>;

// Delivery records and edition summaries: one record per (edition, subscriber). (Job payloads: workers/queues.ts.)
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

// Job payloads: what producers put on each BullMQ queue, parsed first by every processor.
import { z } from 'zod';

export const ingestJobSchema = z.object({
  source_id: z.string().min(1),
});
export type IngestJob = z.infer<typeof ingestJobSchema>;

export const briefingJobSchema = z.object({
  subscriber_id: z.string().min(1),
  edition_id: z.string().min(1),
});
export type BriefingJob = z.infer<typeof briefingJobSchema>;

// Job payloads: what producers put on each BullMQ queue, parsed first by every processor.
import { z } from 'zod';

export const ingestJobSchema = z.object({
  source_id: z.string().min(1),
});
export type IngestJob = z.infer<typeof ingestJobSchema>;

// The dev outbox message: mail captured instead of sent when no provider is configured.
import { z } from 'zod';

export const outgoingEmailSchema = z.object({
  from: z.string().min(3),
  to: z.array(z.email()).min(1),
  subject: z.string().min(1),
  html: z.string(),
  text: z.string(),
  headers: z.record(z.string(), z.string()).default({}),
});
export type OutgoingEmail = z.infer<typeof outgoingEmailSchema>;

export const outboxMessageSchema = outgoingEmailSchema.extend({
  id: z.string().min(1),
  created_at: z.iso.datetime({ offset: true }),
});
export type OutboxMessage = z.infer<typeof outboxMessageSchema>;

// Resend's webhook events, as far as Tidings reads them; unknown fields and event types are kept, not refused.
import { z } from 'zod';

export const resendWebhookSchema = z.looseObject({
  type: z.string().min(1),
  created_at: z.string().optional(),
  data: z
    .looseObject({
      email_id: z.string().optional(),
      to: z.array(z.string()).optional(),
      // Resend sends the tags given at send time as an object; older payloads used a list of {name, value}.
      tags: z.union([z.record(z.string(), z.string()), z.array(z.object({ name: z.string(), value: z.string() }))]).optional(),
      bounce: z.looseObject({ type: z.string().optional(), subType: z.string().optional(), message: z.string().optional() }).optional(),
    })
    .default({}),
});
export type ResendWebhook = z.infer<typeof resendWebhookSchema>;

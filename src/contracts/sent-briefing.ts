// What one reader was sent in one edition: enough to render that very email again ("view in browser") and to
// resolve its short text-part links, without the article store (articles may change or go after sending).
import { z } from 'zod';

export const sentBriefingSchema = z.object({
  v: z.literal(1),
  edition: z.string().min(1),
  subscriber: z.string().min(1),
  /** When the email was sent, in Unix seconds: the links carry it, so re-signing gives the same links. */
  sent_at: z.number().int(),
  label: z.string(),
  preview: z.string(),
  items: z.array(
    z.object({
      article: z.string().min(1),
      url: z.string().min(1),
      title: z.string(),
      summary: z.string(),
      source: z.string(),
      reasons: z.array(z.string()),
    }),
  ),
  latest: z.object({ article: z.string().min(1), url: z.string().min(1), title: z.string() }).nullable(),
});

export type SentBriefing = z.infer<typeof sentBriefingSchema>;

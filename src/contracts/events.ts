// Reader events: what readers did with a briefing, as appended to the events stream.
import { z } from 'zod';

export const readerEventTypes = [
  'click',
  'vote_up',
  'vote_down',
  'bookmark',
  'unsubscribe',
  'delivered',
  'vote_cleared',
  'bookmark_removed',
  'resubscribed',
] as const;
export type ReaderEventType = (typeof readerEventTypes)[number];

export const readerEventSchema = z.object({
  type: z.enum(readerEventTypes),
  subscriber_id: z.string().min(1),
  edition_id: z.string().min(1),
  article_id: z.string().nullable().default(null),
  /** The link kind for clicks (article, vote_up, …); null for events not made by a link. */
  kind: z.string().nullable().default(null),
  position: z.number().int().nullable().default(null),
  url: z.string().nullable().default(null),
  at: z.iso.datetime({ offset: true }),
  method: z.string().nullable().default(null),
  user_agent: z.string().nullable().default(null),
  ip: z.string().nullable().default(null),
  seconds_since_send: z.number().nullable().default(null),
  suspected_bot: z.boolean().default(false),
  bot_reasons: z.array(z.string()).default([]),
});

export type ReaderEvent = z.infer<typeof readerEventSchema>;
export type ReaderEventInput = z.input<typeof readerEventSchema>;

// The subscriber contract: who receives briefings, where they live, what they asked for.
import { z } from 'zod';

export const subscriberStatuses = ['active', 'unsubscribed', 'suppressed'] as const;
export type SubscriberStatus = (typeof subscriberStatuses)[number];

// Zones already checked: building an Intl.DateTimeFormat per parse dominated the cost of reading subscribers in bulk.
const knownZones = new Set<string>();

/** An IANA time zone name the runtime knows, such as Europe/Berlin. */
export const timeZone = z.string().refine((tz) => {
  if (knownZones.has(tz)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    if (tz.length === 0) return false;
    knownZones.add(tz);
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as Europe/Berlin or UTC');

export const emailAddress = z.email({ error: 'must be an email address such as reader@example.com' }).transform((e) => e.toLowerCase());

export const subscriberSchema = z.object({
  id: z.string().min(1),
  email: emailAddress,
  timezone: timeZone.default('UTC'),
  topics: z.array(z.string().trim().toLowerCase().min(1)).max(50).default([]),
  status: z.enum(subscriberStatuses).default('active'),
  created_at: z.iso.datetime({ offset: true }),
});

export type Subscriber = z.infer<typeof subscriberSchema>;

/** What an operator or a sign-up supplies to create a subscriber; the rest has defaults. */
export interface NewSubscriber {
  email: string;
  timezone?: string;
  topics?: string[];
}

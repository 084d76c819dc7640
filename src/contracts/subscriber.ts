// The subscriber contract: who receives briefings, where they live, what they asked for.
import { z } from 'zod';
import { timeZoneProblem } from './time-zone-hint';

export const subscriberStatuses = ['active', 'unsubscribed', 'suppressed'] as const;
export type SubscriberStatus = (typeof subscriberStatuses)[number];

// Zones already checked: building an Intl.DateTimeFormat per parse dominated the cost of reading subscribers in bulk.
const knownZones = new Set<string>();

/** An IANA time zone name the runtime knows, such as Europe/Berlin; a mistyped one is told the nearest valid zone. */
export const timeZone = z.string().superRefine((tz, ctx) => {
  if (knownZones.has(tz)) return;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    if (tz.length > 0) {
      knownZones.add(tz);
      return;
    }
  } catch {
    // not a zone: reported below
  }
  ctx.addIssue({ code: 'custom', message: timeZoneProblem(tz) });
});

// C0 and C1 controls, DEL and bidirectional overrides: they can rewrite a terminal or disguise text.
const CONTROL_CHARACTERS = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

/**
 * An email address, lowercased. The lengths are RFC 5321's (64 before the @, 254 in all), checked
 * first: a longer address cannot receive mail, and providers drop it later with a misleading error.
 */
export const emailAddress = z
  .string({ error: 'must be an email address such as reader@example.com' })
  .refine((e) => e.indexOf('@') <= 64, { message: 'must have at most 64 characters before the @ (RFC 5321)', abort: true })
  .refine((e) => e.length <= 254, { message: 'must be at most 254 characters long (RFC 5321)', abort: true })
  .pipe(z.email({ error: 'must be an email address such as reader@example.com' }))
  .transform((e) => e.toLowerCase());

/** One topic a reader follows or a feed declares: short, printable, lowercase. */
export const topicName = z
  .string()
  .trim()
  .toLowerCase()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters long')
  .refine((t) => !CONTROL_CHARACTERS.test(t), 'must not contain control characters');

export const subscriberSchema = z.object({
  id: z.string().min(1),
  // Stored records are read with the shapes they were written with (an address or topic saved before
  // the input limits existed must not stop a page of readers from loading); input goes through
  // emailAddress and topicName, which hold the limits.
  email: z.email().transform((e) => e.toLowerCase()),
  timezone: timeZone.default('UTC'),
  topics: z.array(z.string().trim().toLowerCase().min(1)).max(50).default([]),
  status: z.enum(subscriberStatuses).default('active'),
  created_at: z.iso.datetime({ offset: true }),
  /** How often the reader wants a briefing; the planner skips the days that do not fit. */
  frequency: z.enum(['daily', 'weekdays', 'weekly']).default('daily'),
  /** For weekly: the local weekday, 0 = Sunday … 6 = Saturday. */
  weekday: z.number().int().min(0).max(6).default(1),
  /** The local hour the reader wants it (schedules in the reader's zone); null = the schedule's own time. */
  delivery_hour: z.number().int().min(0).max(23).nullable().default(null),
  /** No briefing on local dates before this one (YYYY-MM-DD); null = not paused. */
  paused_until: z.iso.date().nullable().default(null),
});

export type Subscriber = z.infer<typeof subscriberSchema>;

/** What an operator or a sign-up supplies to create a subscriber; the rest has defaults. */
export interface NewSubscriber {
  email: string;
  timezone?: string;
  topics?: string[];
  frequency?: Frequency;
  weekday?: number;
  delivery_hour?: number | null;
}

export const frequencies = ['daily', 'weekdays', 'weekly'] as const;
export type Frequency = (typeof frequencies)[number];

/** The reader's own delivery settings, as a sign-up or the settings page sends them. */
export const deliverySettingsSchema = z.object({
  timezone: timeZone,
  frequency: z.enum(frequencies, { error: `must be one of ${frequencies.join(', ')}` }),
  weekday: z.coerce
    .number({ error: 'must be a weekday number, 0 (Sunday) to 6 (Saturday)' })
    .int()
    .min(0, 'must be 0 (Sunday) to 6 (Saturday)')
    .max(6, 'must be 0 (Sunday) to 6 (Saturday)'),
  delivery_hour: z.coerce
    .number({ error: 'must be an hour, 0 to 23' })
    .int()
    .min(0, 'must be an hour, 0 to 23')
    .max(23, 'must be an hour, 0 to 23'),
});
export type DeliverySettings = z.infer<typeof deliverySettingsSchema>;

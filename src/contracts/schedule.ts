// The schedule contract: when an edition of the briefing goes out, and in whose time zone.
import { z } from 'zod';
import { cronProblem } from './cron';
import { timeZone } from './subscriber';

export const scheduleName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be 1-40 lowercase letters, digits or dashes, starting with a letter or digit (e.g. morning)');

/** `subscriber` means each reader at the cron's time in their own time zone. */
export const scheduleTimeZone = z.union([z.literal('subscriber'), timeZone]);

export const cronPattern = z
  .string()
  .trim()
  .superRefine((value, ctx) => {
    const problem = cronProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const scheduleSchema = z.object({
  name: scheduleName,
  cron: cronPattern,
  tz: scheduleTimeZone,
  paused: z.boolean().default(false),
  /** Why Tidings paused it by itself (a deliverability guardrail); null when an operator paused it or it runs. */
  paused_reason: z.string().nullable().optional(),
  updated_at: z.iso.datetime({ offset: true }),
});
export type Schedule = z.infer<typeof scheduleSchema>;

/** What an operator sends to create or replace a schedule. */
export const scheduleInputSchema = scheduleSchema.pick({ name: true, cron: true, tz: true });
export type ScheduleInput = z.infer<typeof scheduleInputSchema>;

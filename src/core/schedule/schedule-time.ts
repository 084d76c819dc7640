// Schedule arithmetic: local dates in a time zone, edition ids, and which readers a tick reaches.
import { cronMatches, parseCron, type CronFields, type LocalMinute } from '../../contracts/cron';

export interface LocalTime extends LocalMinute {
  year: number;
  /** YYYY-MM-DD in the zone. */
  date: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const weekdays: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** The wall-clock fields of an instant in a time zone. */
export function localTime(at: Date, timeZone: string): LocalTime {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
    });
    formatters.set(timeZone, format);
  }
  const parts: Record<string, string> = {};
  for (const p of format.formatToParts(at)) parts[p.type] = p.value;
  const year = Number(parts.year);
  const month = Number(parts.month);
  const day = Number(parts.day);
  return {
    year,
    month,
    day,
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    weekday: weekdays[parts.weekday!] ?? 0,
    date: `${parts.year}-${parts.month}-${parts.day}`,
  };
}

/** An edition is a schedule × a date in the relevant time zone. */
export function editionId(schedule: string, localDate: string): string {
  return `${schedule}-${localDate}`;
}

/** How often a per-reader-time-zone schedule is looked at; every reader's minute falls in one window. */
export const SUBSCRIBER_TZ_TICK_MINUTES = 15;
export const SUBSCRIBER_TZ_TICK_PATTERN = `*/${SUBSCRIBER_TZ_TICK_MINUTES} * * * *`;

/**
 * For a reader's zone: the local date whose scheduled minute falls in the window (at − tick, at], or null.
 * Cached per zone by the caller, since a run meets few distinct zones.
 */
export function dueDateInWindow(cron: CronFields, at: Date, timeZone: string, windowMinutes = SUBSCRIBER_TZ_TICK_MINUTES): string | null {
  const end = Math.floor(at.getTime() / 60_000) * 60_000;
  for (let i = 0; i < windowMinutes; i++) {
    const t = localTime(new Date(end - i * 60_000), timeZone);
    if (cronMatches(cron, t)) return t.date;
  }
  return null;
}

export { parseCron };

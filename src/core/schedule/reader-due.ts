// A reader's own delivery settings against a local date: frequency (daily, weekdays, weekly on a day),
// a pause until a date, and a delivery hour that replaces the schedule's hour. Pure; the planner uses it.
import type { Subscriber } from '../../contracts/subscriber';

export type ReaderSchedule = Pick<Subscriber, 'frequency' | 'weekday' | 'delivery_hour' | 'paused_until'>;

/** The weekday (0 = Sunday) of a YYYY-MM-DD date. */
export function weekdayOf(date: string): number {
  return new Date(`${date}T12:00:00Z`).getUTCDay();
}

/** Does this reader want a briefing on this local date? (Pause and frequency; the hour is the planner's.) */
export function wantsBriefingOn(reader: ReaderSchedule, localDate: string): boolean {
  if (reader.paused_until && localDate < reader.paused_until) return false;
  const day = weekdayOf(localDate);
  if (reader.frequency === 'weekdays') return day >= 1 && day <= 5;
  if (reader.frequency === 'weekly') return day === reader.weekday;
  return true;
}

/** The schedule's cron with its hour field replaced by the reader's own hour (minute and days kept). */
export function cronAtHour(cron: string, hour: number): string {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5) return cron;
  fields[1] = String(hour);
  return fields.join(' ');
}

/** Why a reader gets no briefing on this date, in words for the settings page; null when they do. */
export function pauseLabel(reader: ReaderSchedule, today: string): string | null {
  return reader.paused_until && today < reader.paused_until ? `Paused until ${reader.paused_until}` : null;
}

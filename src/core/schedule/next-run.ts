// When a fixed-zone schedule fires next: minute by minute from now, for display (BullMQ does the firing).
import type { Schedule } from '../../contracts/schedule';
import { cronMatches, parseCron } from '../../contracts/cron';
import { localTime } from './schedule-time';

const HORIZON_MINUTES = 366 * 24 * 60;

/** The next fire time after `from`, or null for per-reader zones and patterns that never match within a year. */
export function nextRun(schedule: Pick<Schedule, 'cron' | 'tz'>, from: Date): Date | null {
  if (schedule.tz === 'subscriber') return null;
  const cron = parseCron(schedule.cron);
  let t = Math.floor(from.getTime() / 60_000) * 60_000 + 60_000;
  for (let i = 0; i < HORIZON_MINUTES; i++, t += 60_000) {
    const local = localTime(new Date(t), schedule.tz);
    // Skip quickly through hours that cannot match.
    if (!cron.sets[1]!.has(local.hour)) {
      t += (59 - local.minute) * 60_000;
      continue;
    }
    if (cronMatches(cron, local)) return new Date(t);
  }
  return null;
}

// When a reader's briefing actually goes out, so the forms never offer a choice the planner ignores: a reader's
// own hour counts only under a schedule that runs in each reader's zone; fixed-zone schedules send at their time.
import type { Schedule } from '../../contracts/schedule';
import { nextRun } from './next-run';
import { localTime } from './schedule-time';

/** `inReaderZone`: the times are the reader's clock; otherwise each names its zone. */
export type SendTimes = { readerChooses: true } | { readerChooses: false; times: string[]; inReaderZone: boolean };

const hhmm = (hour: number, minute: number) => `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;

/**
 * The times the running schedules send at, in `zone` (the reader's), or each in its own zone, named, when the
 * reader's zone is not known yet. `readerChooses` when any running schedule follows each reader's hour.
 */
export function sendTimes(schedules: readonly Schedule[], zone: string | null, now: Date): SendTimes {
  const running = schedules.filter((s) => !s.paused);
  if (running.some((s) => s.tz === 'subscriber')) return { readerChooses: true };
  const times = new Set<string>();
  for (const s of running) {
    const next = nextRun(s, now);
    if (!next) continue;
    const local = localTime(next, zone ?? s.tz);
    times.add(zone ? hhmm(local.hour, local.minute) : `${hhmm(local.hour, local.minute)} ${s.tz.replace(/_/g, ' ')}`);
  }
  return { readerChooses: false, times: [...times].sort(), inReaderZone: zone !== null };
}

// The schedule a send benchmark's edition belongs to. The run plans its edition itself; the schedule's own cron must
// never fire during a run: '0 7 * * *' started a real edition for the same readers when a run went past 07:00 UTC
// (1,100 emails sent twice in a 100,000 run, counted as duplicates). 29 February at 07:00 is years apart.
import type { Db } from '../../src/store/keys';
import { putSchedule } from '../../src/store/schedules';

export const BENCH_SCHEDULE = 'bench';

export async function putBenchSchedule(db: Db): Promise<void> {
  await putSchedule(db, { name: BENCH_SCHEDULE, cron: '0 7 29 2 *', tz: 'UTC' }, new Date());
}

// Schedule definitions in Redis: the edge app and the CLI write them, the workers' reconciler applies them to BullMQ.
import { scheduleSchema, type Schedule, type ScheduleInput } from '../contracts';
import type { Db } from './keys';

export interface StoredScheduleProblem {
  name: string;
  problem: string;
}

/** Every stored schedule that passes today's contract, and what is wrong with each one that does not. */
export async function readSchedules(db: Db): Promise<{ schedules: Schedule[]; invalid: StoredScheduleProblem[] }> {
  const all = await db.redis.hgetall(db.keys.schedules);
  const schedules: Schedule[] = [];
  const invalid: StoredScheduleProblem[] = [];
  for (const [name, raw] of Object.entries(all)) {
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      invalid.push({ name, problem: 'is not JSON' });
      continue;
    }
    const parsed = scheduleSchema.safeParse(value);
    if (parsed.success) schedules.push(parsed.data);
    else invalid.push({ name, problem: parsed.error.issues.map((i) => `${i.path.join('.') || 'schedule'}: ${i.message}`).join('; ') });
  }
  return { schedules: schedules.sort((a, b) => a.name.localeCompare(b.name)), invalid };
}

/** The schedules that can be applied (one stored by an older version that fails today's checks is left out). */
export async function listSchedules(db: Db): Promise<Schedule[]> {
  return (await readSchedules(db)).schedules;
}

export async function getSchedule(db: Db, name: string): Promise<Schedule | null> {
  const raw = await db.redis.hget(db.keys.schedules, name);
  return raw ? scheduleSchema.parse(JSON.parse(raw)) : null;
}

/** Create or replace a schedule (keeping its paused state); the reconciler picks the change up. */
export async function putSchedule(db: Db, input: ScheduleInput, now: Date): Promise<{ schedule: Schedule; created: boolean }> {
  const existing = await getSchedule(db, input.name);
  const schedule = scheduleSchema.parse({ ...input, paused: existing?.paused ?? false, updated_at: now.toISOString() });
  await save(db, schedule);
  return { schedule, created: existing === null };
}

/** Pause or resume; null when there is no such schedule. */
export async function setSchedulePaused(
  db: Db,
  name: string,
  paused: boolean,
  now: Date,
  reason: string | null = null,
): Promise<Schedule | null> {
  const existing = await getSchedule(db, name);
  if (!existing) return null;
  const schedule = { ...existing, paused, paused_reason: paused ? reason : null, updated_at: now.toISOString() };
  await save(db, schedule);
  return schedule;
}

export async function removeSchedule(db: Db, name: string): Promise<boolean> {
  const [[, removed]] = (await db.redis.multi().hdel(db.keys.schedules, name).incr(db.keys.schedulesVersion).exec()) as [
    [null, number],
    unknown,
  ];
  return removed === 1;
}

async function save(db: Db, schedule: Schedule): Promise<void> {
  await db.redis.multi().hset(db.keys.schedules, schedule.name, JSON.stringify(schedule)).incr(db.keys.schedulesVersion).exec();
}

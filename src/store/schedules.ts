// Schedule definitions in Redis: the edge app and the CLI write them, the workers' reconciler applies them to BullMQ.
import { scheduleSchema, type Schedule, type ScheduleInput } from '../contracts';
import type { Db } from './keys';

export async function listSchedules(db: Db): Promise<Schedule[]> {
  const all = await db.redis.hgetall(db.keys.schedules);
  return Object.values(all)
    .map((raw) => scheduleSchema.parse(JSON.parse(raw)))
    .sort((a, b) => a.name.localeCompare(b.name));
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
export async function setSchedulePaused(db: Db, name: string, paused: boolean, now: Date, reason: string | null = null): Promise<Schedule | null> {
  const existing = await getSchedule(db, name);
  if (!existing) return null;
  const schedule = { ...existing, paused, paused_reason: paused ? reason : null, updated_at: now.toISOString() };
  await save(db, schedule);
  return schedule;
}

export async function removeSchedule(db: Db, name: string): Promise<boolean> {
  const [[, removed]] = (await db.redis.multi().hdel(db.keys.schedules, name).incr(db.keys.schedulesVersion).exec()) as [[null, number], unknown];
  return removed === 1;
}

async function save(db: Db, schedule: Schedule): Promise<void> {
  await db.redis.multi().hset(db.keys.schedules, schedule.name, JSON.stringify(schedule)).incr(db.keys.schedulesVersion).exec();
}

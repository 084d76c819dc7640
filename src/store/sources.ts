// Feed sources in Redis.
import { sourceSchema, type Source } from '../contracts';
import type { Db } from './keys';

export async function saveSource(db: Db, source: Source): Promise<void> {
  await db.redis.hset(db.keys.sources, source.id, JSON.stringify(sourceSchema.parse(source)));
}

export async function getSource(db: Db, id: string): Promise<Source | null> {
  const raw = await db.redis.hget(db.keys.sources, id);
  return raw ? sourceSchema.parse(JSON.parse(raw)) : null;
}

export async function listSources(db: Db): Promise<Source[]> {
  const all = await db.redis.hgetall(db.keys.sources);
  return Object.values(all)
    .map((raw) => sourceSchema.parse(JSON.parse(raw)))
    .sort((a, b) => a.id.localeCompare(b.id));
}

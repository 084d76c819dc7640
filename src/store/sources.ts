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

/** Remove a source; its articles stay (readers may have them in briefings). Returns false if there was none. */
export async function removeSource(db: Db, id: string): Promise<boolean> {
  const [[, removed] = [null, 0]] = (await db.redis.multi().hdel(db.keys.sources, id).hdel(db.keys.sourceState, id).exec()) ?? [];
  return removed === 1;
}

/** What the poller remembers about a source between fetches. */
export interface SourceState {
  etag: string | null;
  last_modified: string | null;
  /** Consecutive failures; reset by a success. */
  failures: number;
  /** No fetch before this instant (backoff after failures). */
  next_attempt_at: string | null;
  last_error: string | null;
  last_success_at: string | null;
  last_attempt_at: string | null;
}

export const freshSourceState: SourceState = {
  etag: null,
  last_modified: null,
  failures: 0,
  next_attempt_at: null,
  last_error: null,
  last_success_at: null,
  last_attempt_at: null,
};

export async function getSourceState(db: Db, id: string): Promise<SourceState> {
  const raw = await db.redis.hget(db.keys.sourceState, id);
  if (!raw) return freshSourceState;
  try {
    return { ...freshSourceState, ...(JSON.parse(raw) as Partial<SourceState>) };
  } catch {
    return freshSourceState;
  }
}

export async function saveSourceState(db: Db, id: string, state: SourceState): Promise<void> {
  await db.redis.hset(db.keys.sourceState, id, JSON.stringify(state));
}

/** Source titles by id (the id where a source has no title): what readers and operators see a source as. */
export type SourceTitles = Map<string, string>;

export async function loadSourceTitles(db: Db): Promise<SourceTitles> {
  return new Map((await listSources(db)).map((s) => [s.id, s.title || s.id]));
}

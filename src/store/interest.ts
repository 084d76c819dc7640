// Interest state in Redis: profiles, the reader's corrections, popularity and engagement counters.
// Reads and writes only (the edge app uses this too); the learning itself lives in src/core. The shared views
// (popularity, engagement, global interest, stats) are rolled up from per-bucket deltas: a few seconds behind the learner.
import { parseProfile, type Profile } from '../core/interest/interest-profile';
import { popularitySnapshot, type Engagement, type PopularitySnapshot } from '../core/interest/popularity';
import type { Db } from './keys';
import { popularityField } from './learned-deltas';

/** What a reader told us directly on the preferences page; it wins over anything learned. */
export interface ReaderPrefs {
  muted_sources: string[];
  muted_topics: string[];
}

export const noPrefs: ReaderPrefs = { muted_sources: [], muted_topics: [] };

export async function getProfile(db: Db, subscriberId: string): Promise<Profile | null> {
  return parseProfile(await db.redis.get(db.keys.profile(subscriberId)));
}

export async function getPrefs(db: Db, subscriberId: string): Promise<ReaderPrefs> {
  return parsePrefs(await db.redis.get(db.keys.readerPrefs(subscriberId)));
}

export function parsePrefs(raw: string | null): ReaderPrefs {
  if (!raw) return noPrefs;
  try {
    const p = JSON.parse(raw) as Partial<ReaderPrefs>;
    const strings = (xs: unknown) => (Array.isArray(xs) ? xs.filter((x): x is string => typeof x === 'string') : []);
    return { muted_sources: strings(p.muted_sources), muted_topics: strings(p.muted_topics) };
  } catch {
    return noPrefs;
  }
}

export async function savePrefs(db: Db, subscriberId: string, prefs: ReaderPrefs): Promise<void> {
  const clean = (xs: string[]) => [...new Set(xs)].sort().slice(0, 500);
  await db.redis.set(
    db.keys.readerPrefs(subscriberId),
    JSON.stringify({ muted_sources: clean(prefs.muted_sources), muted_topics: clean(prefs.muted_topics) }),
  );
}

/** Popularity of these articles as of `nowMs`, read in one round trip. */
export async function loadPopularity(db: Db, articleIds: readonly string[], nowMs: number): Promise<PopularitySnapshot> {
  const field = popularityField;
  const fields = [field.clicks(field.total), field.delivered(field.total)];
  for (const id of articleIds) fields.push(field.clicks(id), field.delivered(id));
  const values = await db.redis.hmget(db.keys.popularity, ...fields);
  const num = (i: number) => Number(values[i] ?? 0) || 0;
  const stored: Array<[string, Engagement]> = [];
  articleIds.forEach((id, i) => {
    const clicks = num(2 + i * 2);
    const delivered = num(3 + i * 2);
    if (clicks > 0 || delivered > 0) stored.push([id, { clicks, delivered }]);
  });
  return popularitySnapshot(stored, { clicks: num(0), delivered: num(1) }, nowMs);
}

/** Forward-decayed engagement per source (compare them with each other; the scale is arbitrary). */
export async function sourceEngagement(db: Db): Promise<Map<string, number>> {
  const all = await db.redis.hgetall(db.keys.sourceEngagement);
  return new Map(Object.entries(all).map(([id, v]) => [id, Number(v) || 0]));
}

/** Global positive and negative strength of these features (forward-decayed, same scale). */
export async function globalInterest(db: Db, featureKeys: readonly string[]): Promise<Map<string, { positive: number; negative: number }>> {
  if (featureKeys.length === 0) return new Map();
  const values = await db.redis.hmget(db.keys.globalInterest, ...featureKeys.flatMap((k) => [`${k}:+`, `${k}:-`]));
  return new Map(
    featureKeys.map((k, i) => [k, { positive: Number(values[i * 2] ?? 0) || 0, negative: Number(values[i * 2 + 1] ?? 0) || 0 }]),
  );
}

export async function learnStats(db: Db): Promise<Record<string, number>> {
  const all = await db.redis.hgetall(db.keys.learnStats);
  return Object.fromEntries(Object.entries(all).map(([k, v]) => [k, Number(v)]));
}

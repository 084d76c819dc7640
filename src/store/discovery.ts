// Discovery's state in Redis: suggested sources, budgets, found articles, readers' follows.
// Every command touches one key (or one reader's key), so it runs anywhere on a Redis Cluster.
import { z } from 'zod';
import { sourceSchema, type Source } from '../contracts';
import type { Db } from './keys';
import { getSource, saveSource } from './sources';

export const suggestionSchema = z.object({
  /** The candidate site (the page or home it was found as). */
  url: z.string(),
  feed_url: z.string(),
  title: z.string(),
  score: z.number(),
  readers: z.number().int(),
  reason: z.string(),
  /** What the wanting readers share ("kubernetes"); readers' homes match on it. */
  interest: z.string().nullable(),
  /** Feature keys of the sample (topics and words), for matching suggestions to one reader. */
  features: z.array(z.string()).default([]),
  /** Every sampled post declared its content type, so its articles need no default from an operator. */
  typed: z.boolean().default(false),
  /** How it was found: a link in an article, a followed site's recommendations, a search. */
  found_via: z.string(),
  kind: z.string().nullable(),
  items: z.number().int(),
  newest: z.string().nullable(),
  status: z.enum(['open', 'accepted', 'dismissed']),
  /** The source id it was (or will be) added as. */
  source_id: z.string(),
  at: z.string(),
});
export type Suggestion = z.infer<typeof suggestionSchema>;

export async function saveSuggestion(db: Db, s: Suggestion): Promise<void> {
  await db.redis.hset(db.keys.suggestions, s.url, JSON.stringify(suggestionSchema.parse(s)));
}

export async function getSuggestion(db: Db, url: string): Promise<Suggestion | null> {
  const raw = await db.redis.hget(db.keys.suggestions, url);
  return raw ? parse(raw) : null;
}

/** Every suggestion, best first (open ones first). */
export async function listSuggestions(db: Db, status?: Suggestion['status']): Promise<Suggestion[]> {
  const all = Object.values(await db.redis.hgetall(db.keys.suggestions))
    .map(parse)
    .filter((s): s is Suggestion => s !== null && (!status || s.status === status));
  return all.sort((a, b) => b.score - a.score || b.readers - a.readers || a.url.localeCompare(b.url));
}

/** A suggestion by its site URL, feed URL or source id, whichever the operator typed. */
export async function findSuggestion(db: Db, what: string): Promise<Suggestion | null> {
  const direct = await getSuggestion(db, what);
  if (direct) return direct;
  const all = await listSuggestions(db);
  const trimmed = what.replace(/\/+$/, '');
  return all.find((s) => s.feed_url === what || s.source_id === what || s.url.replace(/\/+$/, '') === trimmed) ?? null;
}

function parse(raw: string): Suggestion | null {
  try {
    return suggestionSchema.parse(JSON.parse(raw));
  } catch {
    return null;
  }
}

/** When a candidate site was last looked at (ms), or null. */
export async function lastChecked(db: Db, site: string): Promise<number | null> {
  const raw = await db.redis.hget(db.keys.discoveryChecked, site);
  return raw ? Number(raw) : null;
}

export async function markChecked(db: Db, site: string, atMs: number): Promise<void> {
  await db.redis.hset(db.keys.discoveryChecked, site, String(atMs));
}

/**
 * Take one unit of a budget counted per time bucket (an hour of fetches, a day of searches): true
 * when it was still under `limit`. INCR first, so two workers never both take the last unit.
 */
export async function takeBudget(db: Db, key: string, limit: number, ttlSeconds: number): Promise<boolean> {
  const [[, used] = [null, 0]] = (await db.redis.multi().incr(key).expire(key, ttlSeconds).exec()) ?? [];
  return Number(used) <= limit;
}

export async function budgetUsed(db: Db, key: string): Promise<number> {
  return Number((await db.redis.get(key)) ?? 0);
}

export const hourBucket = (at: Date) => at.toISOString().slice(0, 13);
export const dayBucket = (at: Date) => at.toISOString().slice(0, 10);

/** Remember which interest a search found articles for (their reason in briefings). */
export async function saveFoundFor(db: Db, found: ReadonlyMap<string, string>): Promise<void> {
  if (found.size > 0) await db.redis.hset(db.keys.foundArticles, Object.fromEntries(found));
}

export async function foundFor(db: Db, articleIds: readonly string[]): Promise<Map<string, string>> {
  if (articleIds.length === 0) return new Map();
  const values = await db.redis.hmget(db.keys.foundArticles, ...articleIds);
  const out = new Map<string, string>();
  articleIds.forEach((id, i) => {
    if (values[i]) out.set(id, values[i]!);
  });
  return out;
}

export async function followSource(db: Db, subscriberId: string, sourceId: string): Promise<void> {
  await db.redis.sadd(db.keys.readerFollows(subscriberId), sourceId);
}

export async function followedSources(db: Db, subscriberId: string): Promise<Set<string>> {
  return new Set(await db.redis.smembers(db.keys.readerFollows(subscriberId)));
}

/**
 * Add a suggestion as a source (the operator accepted it, or it scored over the automatic threshold).
 * The workers' polling planner starts polling it; callers that can queue a fetch do so at once.
 */
export async function acceptSuggestion(
  db: Db,
  s: Suggestion,
  defaultContentType: Source['default_content_type'],
  now: Date,
): Promise<Source> {
  const source = sourceSchema.parse({
    id: s.source_id,
    url: s.feed_url,
    title: s.title,
    default_content_type: defaultContentType,
    added_at: now.toISOString(),
  });
  if (!(await getSource(db, source.id))) await saveSource(db, source);
  await saveSuggestion(db, { ...s, status: 'accepted' });
  return source;
}

export async function dismissSuggestion(db: Db, s: Suggestion): Promise<void> {
  await saveSuggestion(db, { ...s, status: 'dismissed' });
}

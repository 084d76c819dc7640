// Articles and quarantined feed items in Redis.
import { articleSchema, type Article } from '../contracts';
import type { Db } from './keys';

const QUARANTINE_MAX = 10_000;

/** Store articles; an article already stored under the same id is replaced. */
export async function saveArticles(db: Db, articles: readonly Article[]): Promise<void> {
  if (articles.length === 0) return;
  const tx = db.redis.multi();
  for (const a of articles) {
    tx.hset(db.keys.articles, a.id, JSON.stringify(a));
    tx.zadd(db.keys.articlesByPublished, Date.parse(a.published_at), a.id);
  }
  await tx.exec();
}

export async function getArticle(db: Db, id: string): Promise<Article | null> {
  const raw = await db.redis.hget(db.keys.articles, id);
  return raw ? articleSchema.parse(JSON.parse(raw)) : null;
}

/** The newest `limit` articles, newest first. */
export async function recentArticles(db: Db, limit: number): Promise<Article[]> {
  const ids = await db.redis.zrevrange(db.keys.articlesByPublished, 0, limit - 1);
  if (ids.length === 0) return [];
  const rows = await db.redis.hmget(db.keys.articles, ...ids);
  return rows.flatMap((raw) => (raw ? [articleSchema.parse(JSON.parse(raw))] : []));
}

export async function countArticles(db: Db): Promise<number> {
  return db.redis.hlen(db.keys.articles);
}

export interface QuarantinedItem {
  id: string;
  source: string;
  reasons: string[];
  item: unknown;
  at: string;
}

/** Keep a refused item with its reasons, for operators to see and fix at the source. */
export async function quarantineItem(db: Db, entry: Omit<QuarantinedItem, 'id'>): Promise<void> {
  await db.redis.xadd(
    db.keys.quarantine,
    'MAXLEN',
    '~',
    QUARANTINE_MAX,
    '*',
    'source',
    entry.source,
    'reasons',
    JSON.stringify(entry.reasons),
    'item',
    JSON.stringify(entry.item),
    'at',
    entry.at,
  );
}

/** The most recently quarantined items, newest first. */
export async function listQuarantine(db: Db, count = 100): Promise<QuarantinedItem[]> {
  const rows = await db.redis.xrevrange(db.keys.quarantine, '+', '-', 'COUNT', count);
  return rows.map(([id, fields]) => {
    const f: Record<string, string> = {};
    for (let i = 0; i < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
    return { id, source: f.source ?? '', reasons: JSON.parse(f.reasons ?? '[]'), item: JSON.parse(f.item ?? 'null'), at: f.at ?? '' };
  });
}

/**
 * Store only articles not already known (the id is the hash of the normalised URL, so the same
 * article from two sources is one article, kept with the source that brought it first).
 * Returns the articles that were new.
 */
export async function saveNewArticles(db: Db, articles: readonly Article[]): Promise<Article[]> {
  if (articles.length === 0) return [];
  const tx = db.redis.multi();
  for (const a of articles) {
    tx.hsetnx(db.keys.articles, a.id, JSON.stringify(a));
    tx.zadd(db.keys.articlesByPublished, 'NX', Date.parse(a.published_at), a.id);
  }
  const results = (await tx.exec()) ?? [];
  return articles.filter((_, i) => results[i * 2]?.[1] === 1);
}

/** Articles by id, in the same order (null where an id is unknown), in one round trip. */
export async function getArticlesByIds(db: Db, ids: readonly string[]): Promise<Array<Article | null>> {
  if (ids.length === 0) return [];
  const rows = await db.redis.hmget(db.keys.articles, ...ids);
  return rows.map((raw) => (raw ? articleSchema.parse(JSON.parse(raw)) : null));
}

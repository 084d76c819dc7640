// Which articles go into one reader's briefing: the ranking stage of composing a briefing.
import type { Article, Subscriber } from '../src/contracts';
import { rankByRecency, type RankedArticle } from '../src/core/ranking';
import { recentArticles } from '../src/store/articles';
import type { Db } from '../src/store/keys';

/** How many of the newest articles are considered for a briefing. */
const CANDIDATE_POOL = 500;

export interface Selection {
  ranked: RankedArticle[];
  /** Every candidate considered, for features that look beyond the ranked few (the latest post). */
  candidates: Article[];
}

export async function selectArticles(db: Db, subscriber: Subscriber, limit: number): Promise<Selection> {
  const candidates = await recentArticles(db, CANDIDATE_POOL);
  const alreadySent = new Set(await db.redis.smembers(db.keys.sentArticles(subscriber.id)));
  return { ranked: rankByRecency(candidates, { limit, alreadySent }), candidates };
}

// The candidate pool made ready for ranking once, not once per reader: parsing 500 articles, their TF-IDF corpus and
// features cost more than ranking them for one reader. Every batch still reads the pool from Redis (so a batch sees
// the articles of its moment, as before); only when the stored rows are exactly the rows prepared last time is the
// preparation reused, so the ranking is the same function of the same inputs.
import { articleSchema, type Article } from '../../src/contracts';
import { buildCorpus } from '../../src/core/interest/article-features';
import { prepareCandidates, type Candidate } from '../../src/core/interest/ranking';

export interface CandidatePool {
  /** The pool's articles, newest first, as recentArticles returns them. */
  articles: Article[];
  candidates: Candidate[];
}

/** A worker's pool cache: give it the raw article rows a batch read (newest first); it returns them prepared. */
export type CandidatePoolCache = (rows: ReadonlyArray<string | null>) => CandidatePool;

export function createCandidatePoolCache(): CandidatePoolCache {
  let last: { rows: ReadonlyArray<string | null>; pool: CandidatePool } | null = null;
  return (rows) => {
    if (last && sameRows(last.rows, rows)) return last.pool;
    const articles = rows.flatMap((raw) => (raw ? [articleSchema.parse(JSON.parse(raw))] : []));
    const pool = { articles, candidates: prepareCandidates(articles, buildCorpus(articles)) };
    last = { rows, pool };
    return pool;
  };
}

function sameRows(a: ReadonlyArray<string | null>, b: ReadonlyArray<string | null>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

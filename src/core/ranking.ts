// Ranking: which of the candidate articles a reader sees, best first.
import { mailableContentTypes, type Article } from '../contracts';

export interface RankOptions {
  /** How many articles the briefing holds. */
  limit: number;
  /** Articles this reader has already been sent. */
  alreadySent: ReadonlySet<string>;
}

export interface RankedArticle {
  article: Article;
  score: number;
  reasons: string[];
}

/** Recency ranking: newest mailable articles the reader has not yet been sent. */
export function rankByRecency(candidates: readonly Article[], options: RankOptions): RankedArticle[] {
  return candidates
    .filter((a) => mailableContentTypes.includes(a.content_type) && !options.alreadySent.has(a.id))
    .sort((a, b) => Date.parse(b.published_at) - Date.parse(a.published_at) || a.id.localeCompare(b.id))
    .slice(0, options.limit)
    .map((article) => ({ article, score: Date.parse(article.published_at) / 1000, reasons: ['new since your last briefing'] }));
}

/** The most recent article of content type `post`, or null: never an internal document. */
export function latestPost(candidates: readonly Article[]): Article | null {
  let best: Article | null = null;
  for (const a of candidates) {
    if (a.content_type !== 'post') continue;
    if (!best || Date.parse(a.published_at) > Date.parse(best.published_at)) best = a;
  }
  return best;
}

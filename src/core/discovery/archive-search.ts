// The reader's search over the article archive: which articles match a query. Ordering is the
// ranker's job (the same one briefings use), so this only decides what matches.
import type { Article } from '../../contracts';
import { tokenize } from '../interest/article-features';

/** The words of a query that count (stopwords and one-letter words dropped), at most 8. */
export function queryTerms(query: string): string[] {
  return [...new Set(tokenize(query.slice(0, 200)))].slice(0, 8);
}

/** True when every query word begins some word of the article's title, summary, topics, author or source name. */
export function matchesQuery(article: Article, terms: readonly string[], sourceTitle = ''): boolean {
  if (terms.length === 0) return false;
  const words = tokenize(`${article.title} ${article.summary} ${article.topics.join(' ')} ${article.author ?? ''} ${sourceTitle}`);
  return terms.every((term) => words.some((w) => w.startsWith(term)));
}

/** Which suggestions fit a reader: how much their profile and chosen topics overlap a suggestion's features. */
export function suggestionFit(
  features: readonly string[],
  weights: Readonly<Record<string, number>>,
  chosenTopics: readonly string[],
): number {
  let fit = 0;
  for (const key of features) {
    const w = weights[key];
    if (w !== undefined && w > 0) fit += w;
  }
  for (const t of chosenTopics) if (features.includes(`t:${t}`)) fit += 1;
  return fit;
}

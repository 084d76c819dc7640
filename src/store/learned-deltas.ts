// The learner's share of the shared counts (popularity, source engagement, global interest, its own stats), written
// as a delta in the reader's bucket so it commits in the same transaction as the reader's profile and the stream
// acknowledgement. src/store/learned-rollup.ts moves each bucket's delta into the global {learned} views.
//
// Forward decay makes this exact: every increment is already scaled by its own time (core/interest/popularity.ts),
// so a stored view is a plain sum, and adding a bucket's summed increments later equals adding them one by one.
import type { GlobalIncrements } from '../core/interest/learn';
import type { Db } from './keys';

type Transaction = ReturnType<Db['redis']['multi']>;

/** A delta field names its view by one letter: p popularity, e source engagement, g global interest, s learner stats. */
export type LearnedView = 'p' | 'e' | 'g' | 's';

export const deltaField = (view: LearnedView, field: string): string => `${view}|${field}`;

/** Popularity's fields: clicks and deliveries per article, and their totals under "*". */
export const popularityField = { clicks: (id: string) => `c:${id}`, delivered: (id: string) => `d:${id}`, total: '*' };

/** Queue one learned signal's global increments on the reader's transaction, into its bucket's delta. */
export function addLearnedIncrements(tx: Transaction, db: Db, bucket: number, g: GlobalIncrements): void {
  const key = db.keys.learnedDelta(bucket);
  const add = (view: LearnedView, field: string, by: number) => tx.hincrbyfloat(key, deltaField(view, field), by);
  if (g.clicks > 0) {
    add('p', popularityField.clicks(g.articleId), g.clicks);
    add('p', popularityField.clicks(popularityField.total), g.clicks);
  }
  if (g.delivered > 0) {
    add('p', popularityField.delivered(g.articleId), g.delivered);
    add('p', popularityField.delivered(popularityField.total), g.delivered);
  }
  if (g.sourceEngagement > 0) add('e', g.source, g.sourceEngagement);
  for (const [feature, positive, negative] of g.features) {
    if (positive > 0) add('g', `${feature}:+`, positive);
    if (negative > 0) add('g', `${feature}:-`, negative);
  }
}

/** Queue whole counts of learner outcomes (applied, suspected_bot, …) on a transaction in the bucket's slot. */
export function addLearnStats(tx: Transaction, db: Db, bucket: number, counts: Readonly<Record<string, number>>): void {
  for (const [outcome, count] of Object.entries(counts))
    if (count > 0) tx.hincrby(db.keys.learnedDelta(bucket), deltaField('s', outcome), count);
}

// Which articles go into one reader's briefing: the ranking stage of composing a briefing, with the
// reader's learned profile, their corrections, global popularity and the shared ranker.
import type { Article, Subscriber } from '../../src/contracts';
import type { Config } from '../../src/env';
import { buildCorpus } from '../../src/core/interest/article-features';
import { rankSettingsFrom } from '../../src/core/interest/interest-settings';
import { prepareCandidates, rankCandidates, type RankedArticle, type RankSettings } from '../../src/core/interest/ranking';
import { recentArticles } from '../../src/store/articles';
import { readerContext } from '../../src/store/reader-context';
import type { Db } from '../../src/store/keys';

/** How many of the newest articles are considered for a briefing (and form the TF-IDF corpus). */
export const CANDIDATE_POOL = 500;

export interface Selection {
  ranked: RankedArticle[];
  /** Every candidate considered, for features that look beyond the ranked few (the latest post). */
  candidates: Article[];
  /** Articles this reader was sent before (so other features do not repeat them either). */
  alreadySent: ReadonlySet<string>;
}

export interface SelectOptions {
  /** Settings from the environment; the defaults apply without it. */
  config?: Pick<Config, 'INTEREST_HALF_LIFE_DAYS' | 'INTEREST_MAX_FEATURES' | 'ARTICLE_MAX_AGE_HOURS'>;
  /** The moment the briefing is for; a retried job passes the same one and gets the same ranking. */
  now?: Date;
}

const defaults = { INTEREST_HALF_LIFE_DAYS: 21, INTEREST_MAX_FEATURES: 256, ARTICLE_MAX_AGE_HOURS: 168 };

export async function selectArticles(db: Db, subscriber: Subscriber, limit: number, options: SelectOptions = {}): Promise<Selection> {
  return rankForSubscriber(db, subscriber, rankSettingsFrom(options.config ?? defaults, limit), options.now ?? new Date());
}

/** Rank the candidate pool for one reader with explicit settings (briefings, `tidings rank`). */
export async function rankForSubscriber(db: Db, subscriber: Subscriber, settings: RankSettings, now: Date): Promise<Selection> {
  const candidates = await recentArticles(db, CANDIDATE_POOL);
  const reader = await readerContext(db, subscriber, candidates, now.getTime());
  const ranked = rankCandidates(prepareCandidates(candidates, buildCorpus(candidates)), reader, settings);
  return { ranked, candidates, alreadySent: reader.alreadySent };
}

// One reader event → what it teaches: the reader's new profile, and the global popularity and
// engagement increments. The learn worker, `tidings rank --input` and the eval all go through here.
import type { Article, ReaderEvent } from '../../contracts';
import { articleFeatures, featureKey, type Corpus } from './article-features';
import {
  applySignal,
  emptyProfile,
  signalOf,
  signalWeights,
  undoSignals,
  type InterestSettings,
  type LearnableSignal,
  type Profile,
} from './interest-profile';
import { forwardWeight } from './popularity';

/** Increments to global counters, already forward-decayed (add them to the stored sums). */
export interface GlobalIncrements {
  articleId: string;
  clicks: number;
  delivered: number;
  /** Source id and how much reader engagement it gained (polling priority). */
  source: string;
  sourceEngagement: number;
  /** Feature key → [positive, negative] strength, for the ingest filter's "does anyone want this?". */
  features: Array<[string, number, number]>;
}

export type LearnOutcome =
  | { applied: true; signal: LearnableSignal; profile: Profile; global: GlobalIncrements }
  | { applied: false; kind: SkipKind; reason: string };

/** Why an event taught nothing, as a class operators can count. */
export type SkipKind = 'suspected_bot' | 'not_a_signal' | 'unknown_article' | 'bad_time' | 'vote_outweighs';

type LearnEvent = Pick<ReaderEvent, 'type' | 'kind' | 'article_id' | 'suspected_bot' | 'bot_reasons' | 'at'>;

/** Learn from one event. `article` is null when the event names an article Tidings does not know. */
export function learnEvent(
  profile: Profile | null,
  event: LearnEvent,
  article: Article | null,
  corpus: Corpus,
  settings: InterestSettings,
): LearnOutcome {
  const verdict = signalOf(event);
  if (!verdict.ok) return { applied: false, kind: event.suspected_bot ? 'suspected_bot' : 'not_a_signal', reason: verdict.reason };
  if (!article)
    return { applied: false, kind: 'unknown_article', reason: `article ${event.article_id} is unknown (never ingested, or removed)` };
  const atMs = Date.parse(event.at);
  if (!Number.isFinite(atMs)) return { applied: false, kind: 'bad_time', reason: `event time ${JSON.stringify(event.at)} is not a date` };
  const result = applySignal(profile ?? emptyProfile(atMs), article.id, articleFeatures(article, corpus), verdict.signal, atMs, settings);
  if (!result.applied) return { applied: false, kind: 'vote_outweighs', reason: result.reason };
  return { applied: true, signal: verdict.signal, profile: result.profile, global: globalIncrements(article, verdict.signal, atMs) };
}

/** What one signal adds to the global counters: clicks and deliveries per article, engagement per source. */
export function globalIncrements(
  article: Pick<Article, 'id' | 'source' | 'topics'>,
  signal: LearnableSignal,
  atMs: number,
): GlobalIncrements {
  const fw = forwardWeight(atMs);
  // Taking back a vote or bookmark changes this reader's profile only; the global counters stay as they were.
  const strength = (undoSignals as readonly string[]).includes(signal) ? 0 : signalWeights[signal];
  const positive = strength > 0 ? strength * fw : 0;
  const negative = strength < 0 && signal !== 'delivered' ? -strength * fw : 0;
  const features: Array<[string, number, number]> = [];
  if (positive > 0 || negative > 0) {
    features.push([featureKey.source(article.source), positive, negative]);
    for (const t of article.topics) features.push([featureKey.topic(t), positive, negative]);
  }
  return {
    articleId: article.id,
    clicks: signal === 'click' ? fw : 0,
    delivered: signal === 'delivered' ? fw : 0,
    source: article.source,
    sourceEngagement: positive,
    features,
  };
}

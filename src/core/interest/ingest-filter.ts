// The ingest filter: is this valid article worth scoring at all, for anyone? Too old, or from a
// source (or only about topics) that readers have consistently voted down: then no.
import type { Article } from '../../contracts';
import { featureKey } from './article-features';
import { forwardWeight } from './popularity';

export interface GlobalStrength {
  positive: number;
  negative: number;
}

export interface IngestFilterContext {
  /** Articles published before this are too old (the newest item of the feed minus the maximum age). */
  oldestMs: number;
  nowMs: number;
  /** Forward-decayed global strength per feature key (as stored by the learner). */
  global: ReadonlyMap<string, GlobalStrength>;
}

/** Down-votes (in signal units, decayed) before a source or topic can be rejected for everyone. */
const MIN_REJECTION = 15;
/** …and they must outnumber everything positive this many times over. */
const REJECTION_RATIO = 4;

export type IngestVerdict = { worth: true } | { worth: false; reason: string };

/** The features the filter needs global strength for. */
export function ingestFilterKeys(articles: readonly Pick<Article, 'source' | 'topics'>[]): string[] {
  const keys = new Set<string>();
  for (const a of articles) {
    keys.add(featureKey.source(a.source));
    for (const t of a.topics) keys.add(featureKey.topic(t));
  }
  return [...keys];
}

export function ingestVerdict(article: Pick<Article, 'source' | 'topics' | 'published_at'>, ctx: IngestFilterContext): IngestVerdict {
  if (Date.parse(article.published_at) < ctx.oldestMs) {
    return {
      worth: false,
      reason: `published ${article.published_at}, older than the maximum age (ARTICLE_MAX_AGE_HOURS) counted from the feed's newest item`,
    };
  }
  const scale = 1 / forwardWeight(ctx.nowMs);
  const rejected = (key: string) => {
    const g = ctx.global.get(key);
    if (!g) return false;
    const negative = g.negative * scale;
    return negative >= MIN_REJECTION && negative >= REJECTION_RATIO * g.positive * scale;
  };
  if (rejected(featureKey.source(article.source)))
    return { worth: false, reason: `readers have consistently voted down the source ${article.source}` };
  if (article.topics.length > 0 && article.topics.every((t) => rejected(featureKey.topic(t)))) {
    return {
      worth: false,
      reason: `readers have consistently voted down ${article.topics.length === 1 ? 'the topic' : 'every topic of this article:'} ${article.topics.join(', ')}`,
    };
  }
  return { worth: true };
}

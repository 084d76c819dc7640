// How much readers would want a candidate site: its recent posts scored against every reader's
// profile with the ranker's own interest function (interestScorer), summed up with a reason in words.
import type { Article } from '../../contracts';
import { articleFeatures, describeFeature, type Corpus, type FeatureVector } from '../interest/article-features';
import type { Profile } from '../interest/interest-profile';
import { interestScorer } from '../interest/ranking';

/** One reader as discovery sees them: what was learned and chosen, never who they are. */
export interface DiscoveryReader {
  profile: Profile | null;
  chosenTopics: readonly string[];
}

/** A post of a candidate site, as read from its feed (no content type needed to score it). */
export type SamplePost = Pick<Article, 'title' | 'summary' | 'topics' | 'author'> & { content_type?: Article['content_type'] };

export interface SiteScore {
  /** Expected posts opened per post published, summed over the readers who would want the site. */
  score: number;
  /** Readers who would likely open at least MIN_SHARE of its posts. */
  readers: number;
  /** Of the sample, how many posts the typical such reader would open (the median). */
  opens: number;
  sample: number;
  /** What those readers share, in words ("kubernetes"), or null when nobody would want it. */
  interest: string | null;
  reason: string;
}

export interface ScoreSettings {
  /** An article with at least this interest (the ranker's scale, 0 to 1) is one the reader would likely open. */
  likelyOpen: number;
  /** A reader "wants" a site when they would open at least this share of its sample. */
  minShare: number;
  halfLifeDays: number;
}

export const defaultScoreSettings: ScoreSettings = { likelyOpen: 0.3, minShare: 0.2, halfLifeDays: 21 };

/** The most recent posts looked at per site: "4 of its last 10". */
export const SAMPLE_SIZE = 10;

/**
 * Score a site's sample for a population of readers. The source id given to the posts is the
 * candidate's own (new to everyone), so only topics, writers and words can match, as they would
 * once its articles arrive.
 */
export function scoreSite(
  posts: readonly SamplePost[],
  sourceId: string,
  readers: readonly DiscoveryReader[],
  corpus: Corpus,
  nowMs: number,
  settings: ScoreSettings = defaultScoreSettings,
  /** How many readers `readers` stand for, when they are a sample of them: counts and score are scaled up to it. */
  population: number = readers.length,
): SiteScore {
  const sample = posts.slice(0, SAMPLE_SIZE);
  const prepared = sample.map((p) => {
    const article = { ...p, source: sourceId, content_type: p.content_type ?? 'post' } as const;
    const full = articleFeatures(article, corpus);
    // A content type the feed did not declare is not guessed, not even as a feature.
    const features: FeatureVector = p.content_type ? full : dropKinds(full, 'c:');
    return { article: { ...article, topics: p.topics }, features };
  });
  const opensPerReader: number[] = [];
  const label = new Map<string, number>();
  let score = 0;
  for (const reader of readers) {
    const interestOf = interestScorer({ nowMs, profile: reader.profile, chosenTopics: reader.chosenTopics }, settings.halfLifeDays);
    let opens = 0;
    const contributions = new Map<string, number>();
    for (const c of prepared) {
      const { interest } = interestOf(c as never);
      if (interest < settings.likelyOpen) continue;
      opens++;
      explain(c.features, c.article.topics, reader, contributions);
    }
    if (sample.length === 0 || opens / sample.length < settings.minShare) continue;
    opensPerReader.push(opens);
    score += opens / sample.length;
    const best = strongest(contributions);
    if (best) label.set(best, (label.get(best) ?? 0) + 1);
  }
  const scale = readers.length > 0 ? population / readers.length : 1;
  const readersCount = Math.round(opensPerReader.length * scale);
  score *= scale;
  const opens = median(opensPerReader);
  const top = strongest(label);
  const interest = top ? describeFeature(top).label : null;
  const reason =
    readersCount === 0
      ? `no reader would likely open ${sample.length === 0 ? 'any of its posts (its feed is empty)' : `${settings.minShare * 100}% of its last ${sample.length} posts`}`
      : `${scale > 1 ? 'about ' : ''}${readersCount} ${readersCount === 1 ? 'reader' : 'readers'} who ${top?.startsWith('a:') ? 'read' : 'read about'} ${interest} would likely open ${opens} of its last ${sample.length} posts`;
  return { score: Math.round(score * 1000) / 1000, readers: readersCount, opens, sample: sample.length, interest, reason };
}

/** Which feature made this reader like this post: their profile's strongest match, or a chosen topic. */
function explain(features: FeatureVector, topics: readonly string[], reader: DiscoveryReader, into: Map<string, number>): void {
  const weights = reader.profile?.weights ?? {};
  let bestKey: string | null = null;
  let best = 0;
  for (let i = 0; i < features.keys.length; i++) {
    const key = features.keys[i]!;
    if (key.startsWith('c:') || key.startsWith('s:')) continue;
    const contribution = (weights[key] ?? 0) * features.values[i]!;
    if (contribution > best) ((best = contribution), (bestKey = key));
  }
  if (!bestKey) {
    const chosen = topics.find((t) => reader.chosenTopics.includes(t));
    if (chosen) bestKey = `t:${chosen}`;
  }
  if (bestKey) into.set(bestKey, (into.get(bestKey) ?? 0) + Math.max(best, 0.01));
}

function strongest(m: ReadonlyMap<string, number>): string | null {
  let key: string | null = null;
  let best = -Infinity;
  for (const [k, v] of m) if (v > best || (v === best && key !== null && k < key)) ((best = v), (key = k));
  return key;
}

function median(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

function dropKinds(v: FeatureVector, prefix: string): FeatureVector {
  const keys: string[] = [];
  const values: number[] = [];
  v.keys.forEach((k, i) => {
    if (!k.startsWith(prefix)) (keys.push(k), values.push(v.values[i]!));
  });
  return { keys, values };
}

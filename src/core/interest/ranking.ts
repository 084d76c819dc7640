// Ranking: which candidate articles a reader sees, best first, and why. The one ranker every stage
// calls (briefings, `tidings rank`, the eval, the bench): pure functions over plain data.
import { mailableContentTypes, type Article, type ContentType } from '../../contracts';
import { articleFeatures, describeFeature, tokenize, type Corpus, type FeatureVector } from './article-features';
import { decayFactor, type Profile } from './interest-profile';
import { noPopularity, popularityScore, smoothedCtr, type PopularitySnapshot } from './popularity';

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

/** An article made ready for ranking once, then scored for any number of readers. */
export interface Candidate {
  article: Article;
  features: FeatureVector;
  /** Distinct title words, for near-duplicate detection. */
  titleTokens: string[];
  publishedMs: number;
  /** The pool's feature ids of `features.keys` (prepareCandidates): a reader's weights become one array per pool. */
  featureIds?: Int32Array;
  /** The feature ids of the pool this candidate was prepared in; shared by every candidate of that pool. */
  vocabulary?: ReadonlyMap<string, number>;
}

export interface RankSettings {
  /** At most this many articles are returned (Infinity: every candidate that passes the filters). */
  limit: number;
  /** The first this-many positions obey the diversity caps (the size of a briefing). */
  diversityWindow: number;
  maxPerSource: number;
  /** A story is the article's first topic: no briefing is all about one thing. */
  maxPerStory: number;
  /** Nothing older than this, measured back from the newest candidate (or now, if that is earlier). */
  maxAgeHours: number;
  freshnessHalfLifeHours: number;
  /** Profile half-life, so weights are read as of now. */
  halfLifeDays: number;
  /** Two titles sharing this fraction of their words (Jaccard) are one story told twice. */
  nearDuplicateSimilarity: number;
  /** How the parts add up. The baselines in the eval are this ranker with other weights. */
  weights: { interest: number; popularity: number; freshness: number };
}

export const defaultRankSettings: RankSettings = {
  limit: 10,
  diversityWindow: 10,
  maxPerSource: 4,
  maxPerStory: 3,
  maxAgeHours: 7 * 24,
  freshnessHalfLifeHours: 24,
  halfLifeDays: 21,
  nearDuplicateSimilarity: 0.6,
  weights: { interest: 1, popularity: 0.3, freshness: 0.2 },
};

/** What the ranker knows about one reader at one moment. */
export interface ReaderContext {
  nowMs: number;
  profile: Profile | null;
  /** Topics the reader picked (sign-up or preferences): the cold-start prior. */
  chosenTopics: readonly string[];
  mutedTopics: ReadonlySet<string>;
  mutedSources: ReadonlySet<string>;
  alreadySent: ReadonlySet<string>;
  popularity: PopularitySnapshot;
  /** Source id → title, for reasons in words. */
  sourceTitles?: ReadonlyMap<string, string>;
  /** Sources the reader followed from a suggestion: their articles get FOLLOW_BOOST. */
  followedSources?: ReadonlySet<string>;
  /** Article id → the interest discovery found it for ("found for your interest in …"). */
  foundFor?: ReadonlyMap<string, string>;
}

/** What following a suggested source adds to the interest in its articles: enough to rise, not to crowd out. */
export const FOLLOW_BOOST = 0.25;

/** How interested one reader is in one article: the interest part of the ranker's score, shared with discovery. */
export type InterestScorer = (c: Pick<Candidate, 'features' | 'article' | 'featureIds' | 'vocabulary'>) => {
  interest: number;
  personal: number;
};

/**
 * The ranker's interest for one reader, prepared once: trust in the profile (evidence against the
 * cold-start constant) blends the profile's affinity with the topics the reader chose. Discovery scores
 * candidate sites with this very function, so a suggestion means what the briefing would do with it.
 */
export function interestScorer(
  reader: Pick<ReaderContext, 'nowMs' | 'profile' | 'chosenTopics'>,
  halfLifeDays: number,
  /** The prepared pool's vocabulary, when every scored candidate comes from it (a faster, identical path). */
  vocabulary?: ReadonlyMap<string, number>,
): InterestScorer {
  const { personalOf, trust, chosen } = readerInterest(reader, halfLifeDays, vocabulary);
  return (c) => {
    const personal = personalOf(c);
    const chosenTopic = chosen.size > 0 && firstChosen(c.article.topics, chosen) !== null ? 1 : 0;
    return { interest: personal + (1 - trust) * chosenTopic, personal };
  };
}

/** One reader's interest, prepared: the profile's part of an article (personalOf) and the trust it is given. */
interface ReaderInterest {
  personalOf: (c: Pick<Candidate, 'features' | 'featureIds' | 'vocabulary'>) => number;
  /** Evidence against the cold-start constant: 0 trusts only the chosen topics, near 1 only the profile. */
  trust: number;
  chosen: ReadonlySet<string>;
}

function readerInterest(
  reader: Pick<ReaderContext, 'nowMs' | 'profile' | 'chosenTopics'>,
  halfLifeDays: number,
  vocabulary?: ReadonlyMap<string, number>,
): ReaderInterest {
  const profile = reader.profile;
  const decay = profile ? decayFactor(profile.updated_at, reader.nowMs, halfLifeDays) : 0;
  const weights = profile?.weights ?? {};
  const trust = profileTrust(profile, reader.nowMs, halfLifeDays);
  // Over one prepared pool, the reader's weights are looked up once per pool feature rather than once per
  // (article, feature): the same products, added in the same order, so the same sums.
  const byId = trust > 0 && vocabulary ? weightsById(weights, vocabulary) : null;
  const personalOf = (c: Pick<Candidate, 'features' | 'featureIds' | 'vocabulary'>) => {
    let dot = 0;
    if (byId && c.featureIds && c.vocabulary === vocabulary) {
      const ids = c.featureIds;
      const values = c.features.values;
      for (let i = 0; i < ids.length; i++) {
        const wt = byId[ids[i]!]!;
        if (!Number.isNaN(wt)) dot += wt * values[i]!;
      }
    } else if (trust > 0) {
      const keys = c.features.keys;
      const values = c.features.values;
      for (let i = 0; i < keys.length; i++) {
        const wt = weights[keys[i]!];
        if (wt !== undefined) dot += wt * values[i]!;
      }
    }
    return trust * Math.tanh((dot * decay) / AFFINITY_SCALE);
  };
  return { personalOf, trust, chosen: new Set(reader.chosenTopics) };
}

/**
 * How far the ranker follows a profile as of `nowMs`, from 0 (only the topics the reader chose) towards 1:
 * what the reader did (clicks, votes, bookmarks, decayed) against the cold-start constant. Deliveries
 * are not evidence, so a profile taught only by briefings nobody opened has a trust of 0.
 */
export function profileTrust(profile: Profile | null, nowMs: number, halfLifeDays: number): number {
  if (!profile) return 0;
  const evidence = profile.evidence * decayFactor(profile.updated_at, nowMs, halfLifeDays);
  return evidence / (evidence + COLD_START_EVIDENCE);
}

/** A reader's weight of each pool feature, NaN where the profile has none (skipped, as a missing key is). */
function weightsById(weights: Readonly<Record<string, number>>, vocabulary: ReadonlyMap<string, number>): Float64Array {
  const byId = new Float64Array(vocabulary.size).fill(NaN);
  for (const key in weights) {
    const id = vocabulary.get(key);
    if (id !== undefined) byId[id] = weights[key]!;
  }
  return byId;
}

/** Personal evidence at which the profile and the cold-start prior count equally. */
const COLD_START_EVIDENCE = 4;
/** Affinity = tanh(dot / scale): a handful of matching signals nearly saturates it. */
const AFFINITY_SCALE = 2;
const NEVER_MAILED: ReadonlySet<ContentType> = new Set(['internal']);

/** Prepare articles once (features, tokens, dates) so scoring many readers costs little. */
export function prepareCandidates(articles: readonly Article[], corpus: Corpus): Candidate[] {
  const vocabulary = new Map<string, number>();
  return articles.map((article) => {
    const features = articleFeatures(article, corpus);
    const featureIds = Int32Array.from(features.keys, (key) => {
      let id = vocabulary.get(key);
      if (id === undefined) vocabulary.set(key, (id = vocabulary.size));
      return id;
    });
    return {
      article,
      features,
      titleTokens: [...new Set(tokenize(article.title))],
      publishedMs: Date.parse(article.published_at),
      featureIds,
      vocabulary,
    };
  });
}

/** The instant ages are measured from: now, or the newest candidate if every feed has gone quiet. */
export function ageReference(candidates: readonly Candidate[], nowMs: number): number {
  let newest = -Infinity;
  for (const c of candidates) if (c.publishedMs <= nowMs && c.publishedMs > newest) newest = c.publishedMs;
  return newest === -Infinity ? nowMs : newest;
}

export type Exclusion = { ok: true } | { ok: false; reason: string };
const INCLUDED: Exclusion = { ok: true };

/** Why an article may not reach this reader at all, or ok. */
export function exclusion(
  c: Candidate,
  reader: Pick<ReaderContext, 'alreadySent' | 'mutedSources' | 'mutedTopics'>,
  oldestMs: number,
): Exclusion {
  const a = c.article;
  if (!mailable(a)) return { ok: false, reason: `content type ${a.content_type} is never mailed` };
  if (reader.alreadySent.has(a.id)) return { ok: false, reason: 'already sent to this reader' };
  if (!(c.publishedMs >= oldestMs)) return { ok: false, reason: 'older than the maximum age' };
  if (reader.mutedSources.has(a.source)) return { ok: false, reason: `the reader muted ${a.source}` };
  if (reader.mutedTopics.size > 0)
    for (const t of a.topics) if (reader.mutedTopics.has(t)) return { ok: false, reason: `the reader dropped the topic ${t}` };
  return INCLUDED;
}

const mailable = (a: Article) => !NEVER_MAILED.has(a.content_type) && mailableContentTypes.includes(a.content_type);

/** exclusion's checks that depend on the reader, without the reasons: rankCandidates asks only whether. */
function includedFor(a: Article, reader: Pick<ReaderContext, 'alreadySent' | 'mutedSources' | 'mutedTopics'>): boolean {
  if (reader.alreadySent.has(a.id) || reader.mutedSources.has(a.source)) return false;
  if (reader.mutedTopics.size > 0) for (const t of a.topics) if (reader.mutedTopics.has(t)) return false;
  return true;
}

/**
 * What a ranking shares with every other reader's over the same candidates at the same moment: which articles may
 * be mailed at all and are young enough, and each one's popularity and freshness terms of the score.
 */
interface SharedScores {
  popularity: PopularitySnapshot;
  nowMs: number;
  settings: RankSettings;
  /** Mailable and not older than the maximum age (exclusion's reader-independent checks). */
  eligible: Uint8Array;
  /** w.popularity · popularity, as the score adds it. */
  popularityPart: Float64Array;
  freshness: Float64Array;
}

/**
 * The shared part of the last ranking over these candidates, reused while the popularity snapshot, the moment and
 * the settings are the very same objects (a send batch ranks its hundred readers so); computed afresh otherwise.
 */
const lastShared = new WeakMap<readonly Candidate[], SharedScores>();

function sharedScores(candidates: readonly Candidate[], reader: ReaderContext, settings: RankSettings): SharedScores {
  const last = lastShared.get(candidates);
  if (
    last &&
    last.popularity === reader.popularity &&
    last.nowMs === reader.nowMs &&
    last.settings === settings &&
    last.eligible.length === candidates.length
  )
    return last;
  const n = candidates.length;
  const reference = ageReference(candidates, reader.nowMs);
  const oldest = reference - settings.maxAgeHours * 3_600_000;
  const freshnessRate = Math.LN2 / (settings.freshnessHalfLifeHours * 3_600_000);
  const w = settings.weights;
  const shared: SharedScores = {
    popularity: reader.popularity,
    nowMs: reader.nowMs,
    settings,
    eligible: new Uint8Array(n),
    popularityPart: new Float64Array(n),
    freshness: new Float64Array(n),
  };
  for (let index = 0; index < n; index++) {
    const c = candidates[index]!;
    shared.freshness[index] = Math.exp(-Math.max(0, reference - c.publishedMs) * freshnessRate);
    if (!mailable(c.article) || !(c.publishedMs >= oldest)) continue;
    shared.eligible[index] = 1;
    shared.popularityPart[index] = w.popularity * popularityScore(reader.popularity.byArticle.get(c.article.id), reader.popularity.meanCtr);
  }
  lastShared.set(candidates, shared);
  return shared;
}

interface Scored {
  c: Candidate;
  score: number;
  /** β · affinity: the part of the score the personal profile gives. */
  personal: number;
  topicMatch: string | null;
  freshness: number;
}

/** Rank candidates for one reader: filters, scores, near-duplicates removed, diversity, reasons. */
export function rankCandidates(
  candidates: readonly Candidate[],
  reader: ReaderContext,
  settings: RankSettings = defaultRankSettings,
): RankedArticle[] {
  const shared = sharedScores(candidates, reader, settings);
  const interest = readerInterest(reader, settings.halfLifeDays, sharedVocabulary(candidates));
  const chosen = interest.chosen;
  const weights = reader.profile?.weights ?? {};
  const w = settings.weights;
  const followed = reader.followedSources;

  // Scores go into flat arrays and only the candidates the walk below reaches become objects:
  // a briefing looks at a few dozen of 2,000, and the garbage collector stays idle.
  const n = candidates.length;
  const scores = new Float64Array(n);
  const personalParts = new Float64Array(n);
  const order: number[] = [];
  for (let index = 0; index < n; index++) {
    if (!shared.eligible[index]) continue;
    const c = candidates[index]!;
    if (!includedFor(c.article, reader)) continue;
    const personal = interest.personalOf(c);
    const chosenTopic = chosen.size > 0 && firstChosen(c.article.topics, chosen) !== null ? 1 : 0;
    const boost = followed?.has(c.article.source) ? FOLLOW_BOOST : 0;
    // The same sum, in the same order, as w.interest·(interest + boost) + w.popularity·popularity + w.freshness·freshness.
    scores[index] =
      w.interest * (personal + (1 - interest.trust) * chosenTopic + boost) +
      shared.popularityPart[index]! +
      w.freshness * shared.freshness[index]!;
    personalParts[index] = personal;
    order.push(index);
  }
  const better = (x: number, y: number) =>
    scores[y]! - scores[x]! ||
    candidates[y]!.publishedMs - candidates[x]!.publishedMs ||
    (candidates[x]!.article.id < candidates[y]!.article.id ? -1 : 1);
  const scored = (index: number): Scored => {
    const c = candidates[index]!;
    return {
      c,
      score: scores[index]!,
      personal: personalParts[index]!,
      topicMatch: chosen.size > 0 ? firstChosen(c.article.topics, chosen) : null,
      freshness: shared.freshness[index]!,
    };
  };
  return diversify(bestFirst(order, better, WALK_AHEAD), scored, settings).map((s) => ({
    article: s.c.article,
    score: round(s.score),
    reasons: reasonsFor(s, reader, weights),
  }));
}

/** The vocabulary every candidate was prepared with, or undefined when they come from different pools. */
function sharedVocabulary(candidates: readonly Candidate[]): ReadonlyMap<string, number> | undefined {
  const vocabulary = candidates[0]?.vocabulary;
  if (!vocabulary) return undefined;
  for (const c of candidates) if (c.vocabulary !== vocabulary) return undefined;
  return vocabulary;
}

/** How many of the best candidates are put in order before the walk starts; it rarely needs more. */
const WALK_AHEAD = 48;

/**
 * The indices in `better`'s order, lazily: the best `ahead` are picked with a bounded heap and sorted, and only a
 * walk that gets past them sorts the rest (all worse than those), so the order is exactly a full sort's while a
 * briefing of ten, which looks at a few dozen of 500, costs far fewer comparisons.
 */
export function* bestFirst(indices: number[], better: (x: number, y: number) => number, ahead: number): Generator<number> {
  if (indices.length <= ahead) {
    yield* indices.sort(better);
    return;
  }
  // A max-heap by `better` keeps the worst of the best `ahead` at its root, ready to be pushed out.
  const heap: number[] = [];
  const worse = (a: number, b: number) => better(heap[a]!, heap[b]!) > 0;
  const siftDown = (from: number) => {
    for (let i = from; ;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let top = i;
      if (l < heap.length && worse(l, top)) top = l;
      if (r < heap.length && worse(r, top)) top = r;
      if (top === i) return;
      [heap[i], heap[top]] = [heap[top]!, heap[i]!];
      i = top;
    }
  };
  for (const index of indices) {
    if (heap.length < ahead) {
      heap.push(index);
      for (let i = heap.length - 1; i > 0;) {
        const up = (i - 1) >> 1;
        if (!worse(i, up)) break;
        [heap[i], heap[up]] = [heap[up]!, heap[i]!];
        i = up;
      }
    } else if (better(index, heap[0]!) < 0) {
      heap[0] = index;
      siftDown(0);
    }
  }
  const best = new Set(heap);
  yield* heap.sort(better);
  yield* indices.filter((index) => !best.has(index)).sort(better);
}

/**
 * Walk the scored list best first: drop near-duplicates of anything kept, keep the first window
 * within the per-source and per-story caps, and move what breaks a cap just after the window.
 */
function diversify(order: Iterable<number>, scored: (index: number) => Scored, settings: RankSettings): Scored[] {
  const head: Scored[] = [];
  const deferred: Scored[] = [];
  const tail: Scored[] = [];
  const perSource = new Map<string, number>();
  const perStory = new Map<string, number>();
  const byToken = new Map<string, Scored[]>();
  for (const index of order) {
    const s = scored(index);
    if (isNearDuplicate(s, byToken, settings.nearDuplicateSimilarity)) continue;
    for (const token of s.c.titleTokens) {
      const list = byToken.get(token);
      if (list) list.push(s);
      else byToken.set(token, [s]);
    }
    if (head.length < settings.diversityWindow) {
      const source = s.c.article.source;
      const story = s.c.article.topics[0] ?? `source:${source}`;
      if ((perSource.get(source) ?? 0) < settings.maxPerSource && (perStory.get(story) ?? 0) < settings.maxPerStory) {
        head.push(s);
        perSource.set(source, (perSource.get(source) ?? 0) + 1);
        perStory.set(story, (perStory.get(story) ?? 0) + 1);
        if (head.length >= settings.limit) break;
      } else {
        deferred.push(s);
      }
    } else {
      tail.push(s);
      if (head.length + deferred.length + tail.length >= settings.limit) break;
    }
  }
  return [...head, ...deferred, ...tail].slice(0, settings.limit);
}

function isNearDuplicate(s: Scored, byToken: ReadonlyMap<string, Scored[]>, threshold: number): boolean {
  const tokens = s.c.titleTokens;
  if (tokens.length === 0) return false;
  const overlap = new Map<Scored, number>();
  for (const token of tokens) {
    for (const kept of byToken.get(token) ?? []) overlap.set(kept, (overlap.get(kept) ?? 0) + 1);
  }
  for (const [kept, shared] of overlap) {
    if (shared / (tokens.length + kept.c.titleTokens.length - shared) >= threshold) return true;
  }
  return false;
}

/** The reasons a reader sees under an article, strongest first. */
function reasonsFor(s: Scored, reader: ReaderContext, weights: Readonly<Record<string, number>>): string[] {
  const reasons: string[] = [];
  const found = reader.foundFor?.get(s.c.article.id);
  if (found) reasons.push(`found for your interest in ${found}`);
  if (s.personal > 0.05) {
    let bestKey: string | null = null;
    let best = 0;
    const { keys, values } = s.c.features;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      if (key.startsWith('c:')) continue; // "you like posts" explains nothing
      const contribution = (weights[key] ?? 0) * values[i]!;
      if (contribution > best) ((best = contribution), (bestKey = key));
    }
    if (bestKey) {
      const { kind, label } = describeFeature(bestKey, reader.sourceTitles);
      reasons.push(
        kind === 'source'
          ? `because you often read ${label}`
          : kind === 'author'
            ? `because you read ${label}`
            : `because you read about ${label}`,
      );
    }
  }
  if (s.topicMatch && !reasons.some((r) => r.endsWith(` ${s.topicMatch}`))) reasons.push(`you follow ${s.topicMatch}`);
  const e = reader.popularity.byArticle.get(s.c.article.id);
  if (e && e.clicks >= 3 && smoothedCtr(e, reader.popularity.meanCtr) >= 1.5 * reader.popularity.meanCtr)
    reasons.push('popular with other readers');
  if (s.freshness > 0.8) reasons.push('just published');
  if (reasons.length === 0) reasons.push(fallbackReason(reader.alreadySent));
  return reasons;
}

/** When nothing more specific applies: "since your last briefing" is only true once there was one. */
function fallbackReason(alreadySent: ReadonlySet<string>): string {
  return alreadySent.size > 0 ? 'new since your last briefing' : 'recently published';
}

function firstChosen(topics: readonly string[], chosen: ReadonlySet<string>): string | null {
  for (const t of topics) if (chosen.has(t)) return t;
  return null;
}

function round(score: number): number {
  return Math.round(score * 10_000) / 10_000;
}

/** A reader with nothing learned, nothing chosen, nothing muted: for baselines and tools. */
export function anonymousReader(nowMs: number, alreadySent: ReadonlySet<string> = new Set()): ReaderContext {
  return { nowMs, profile: null, chosenTopics: [], mutedTopics: new Set(), mutedSources: new Set(), alreadySent, popularity: noPopularity };
}

/** Recency ranking: newest mailable articles the reader has not yet been sent (the eval's baseline). */
export function rankByRecency(candidates: readonly Article[], options: RankOptions): RankedArticle[] {
  return candidates
    .filter((a) => mailableContentTypes.includes(a.content_type) && !options.alreadySent.has(a.id))
    .sort((a, b) => Date.parse(b.published_at) - Date.parse(a.published_at) || a.id.localeCompare(b.id))
    .slice(0, options.limit)
    .map((article) => ({ article, score: Date.parse(article.published_at) / 1000, reasons: [fallbackReason(options.alreadySent)] }));
}

/**
 * The most recent article of content type `post` that the reader is not already getting (listed in
 * this briefing or sent before, per `exclude`), or null: never an internal document.
 */
export function latestPost(candidates: readonly Article[], exclude: Pick<ReadonlySet<string>, 'has'> = new Set()): Article | null {
  const newest = postsNewestFirst(candidates);
  if (newest) {
    for (const a of newest) if (!exclude.has(a.id)) return a;
    return null;
  }
  let best: Article | null = null;
  let bestMs = NaN;
  for (const a of candidates) {
    if (a.content_type !== 'post' || exclude.has(a.id)) continue;
    const ms = Date.parse(a.published_at);
    if (!best || ms > bestMs) ((best = a), (bestMs = ms));
  }
  return best;
}

/**
 * The posts among these candidates, newest first (ties in the candidates' order), kept per candidate list: every
 * reader of a batch asks of the same pool. Null when a date does not parse (the scan above decides those).
 */
const postOrders = new WeakMap<readonly Article[], { length: number; newest: Article[] | null }>();

function postsNewestFirst(candidates: readonly Article[]): Article[] | null {
  const known = postOrders.get(candidates);
  if (known && known.length === candidates.length) return known.newest;
  const posts = candidates.filter((a) => a.content_type === 'post').map((a) => ({ a, ms: Date.parse(a.published_at) }));
  const newest = posts.some((p) => Number.isNaN(p.ms)) ? null : posts.sort((x, y) => y.ms - x.ms).map((p) => p.a);
  postOrders.set(candidates, { length: candidates.length, newest });
  return newest;
}

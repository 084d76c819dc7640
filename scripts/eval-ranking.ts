// `npm run eval:ranking`: a simulated population (readers with hidden interests, plus scanner bots)
// receives a briefing a day for DAYS days; Tidings' ranker and learner (the production code) against
// recency-only and popularity-only baselines. The last line is one JSON object with the figures.
import type { Article, ContentType, ReaderEvent } from '../src/contracts';
import { buildCorpus, type Corpus } from '../src/core/interest/article-features';
import { defaultInterestSettings, type Profile } from '../src/core/interest/interest-profile';
import { learnEvent } from '../src/core/interest/learn';
import { popularityScore, popularitySnapshot, type Engagement } from '../src/core/interest/popularity';
import {
  ageReference,
  defaultRankSettings,
  exclusion,
  prepareCandidates,
  rankByRecency,
  rankCandidates,
  type Candidate,
  type RankedArticle,
  type ReaderContext,
  type RankSettings,
} from '../src/core/interest/ranking';

const arg = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const DAYS = arg('EVAL_DAYS', 40);
const STEADY_DAYS = 10;
const READERS = arg('EVAL_READERS', 300);
const BOTS = arg('EVAL_BOTS', 30);
const NEWCOMERS = arg('EVAL_NEWCOMERS', 60);
const NEWCOMERS_JOIN_DAY = Math.floor(DAYS / 2);
const ARTICLES_PER_DAY = arg('EVAL_ARTICLES_PER_DAY', 120);
const POOL_DAYS = 3;
const TOPICS = 24;
const SOURCES = 12;
const INTERESTS_PER_READER = 3;
/** Share of bot clicks the edge flags; the rest reach the learner looking human. */
const BOT_DETECTION = arg('EVAL_BOT_DETECTION', 0.9);
const SEED = arg('EVAL_SEED', 7);
const BRIEFING = 10;
const DAY_MS = 86_400_000;
const START_MS = Date.UTC(2026, 10, 1, 6);

/** Deterministic randomness, so a run can be repeated exactly. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface World {
  articlesByDay: Article[][];
  quality: Map<string, number>;
  primary: Map<string, number>;
  secondary: Map<string, number | null>;
}

const topicName = (t: number) => `topic-${t}`;
const vocab = (t: number) => Array.from({ length: 14 }, (_, i) => `t${t}w${i}`);
const filler = Array.from({ length: 60 }, (_, i) => `common${i}`);

/** The same stream of articles for every strategy, so they are compared on equal material. */
function buildWorld(random: () => number): World {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const sourceTopics = Array.from({ length: SOURCES }, () => Array.from({ length: 5 }, () => Math.floor(random() * TOPICS)));
  const world: World = { articlesByDay: [], quality: new Map(), primary: new Map(), secondary: new Map() };
  let n = 0;
  for (let day = 0; day < DAYS; day++) {
    const today: Article[] = [];
    for (let i = 0; i < ARTICLES_PER_DAY; i++) {
      const source = Math.floor(random() * SOURCES);
      const primary = pick(sourceTopics[source]!);
      const secondary = random() < 0.4 ? Math.floor(random() * TOPICS) : null;
      const words = [pick(vocab(primary)), pick(vocab(primary)), pick(vocab(primary)), pick(filler), pick(filler)];
      const summary = [
        ...words,
        pick(vocab(primary)),
        secondary !== null ? pick(vocab(secondary)) : pick(filler),
        pick(filler),
        pick(filler),
      ];
      const type: ContentType = random() < 0.03 ? 'internal' : random() < 0.5 ? 'post' : 'news';
      const id = `art_${(n++).toString(36)}`;
      const article: Article = {
        id,
        url: `https://source-${source}.example/${id}`,
        title: `${words.join(' ')} ${id}`,
        summary: summary.join(' '),
        source: `source-${source}`,
        topics: secondary !== null && secondary !== primary ? [topicName(primary), topicName(secondary)] : [topicName(primary)],
        author: `author ${source}-${Math.floor(random() * 3)}`,
        published_at: new Date(START_MS + day * DAY_MS - Math.floor(random() * DAY_MS)).toISOString(),
        content_type: type,
      };
      today.push(article);
      world.quality.set(id, 0.5 + random() * 0.5);
      world.primary.set(id, primary);
      world.secondary.set(id, secondary);
    }
    world.articlesByDay.push(today);
  }
  return world;
}

interface Reader {
  id: string;
  bot: boolean;
  interests: Set<number>;
  chosen: string[];
  joinDay: number;
  profile: Profile | null;
  sent: Set<string>;
}

type Strategy = 'tidings' | 'recency' | 'popularity';

function relevance(world: World, reader: Reader, id: string): number {
  if (reader.interests.has(world.primary.get(id)!)) return 2;
  const s = world.secondary.get(id);
  return s !== null && s !== undefined && reader.interests.has(s) ? 1 : 0;
}

function dcg(gains: number[]): number {
  return gains.reduce((sum, g, i) => sum + (2 ** g - 1) / Math.log2(i + 2), 0);
}

interface RunResult {
  /** Mean precision@10 and nDCG@10 of the original readers, per day. */
  precision: number[];
  ndcg: number[];
  /** Mean precision@10 of newcomers by days since they joined. */
  newcomerPrecision: number[];
  /** The same for newcomers who picked no topic at sign-up: learning from clicks alone. */
  newcomerNoTopicPrecision: number[];
}

function simulate(world: World, strategy: Strategy, botsOn: boolean): RunResult {
  const random = rng(SEED * 31 + 1);
  const readers: Reader[] = [];
  const makeReader = (id: string, bot: boolean, joinDay: number): Reader => {
    const interests = new Set<number>();
    while (interests.size < INTERESTS_PER_READER) interests.add(Math.floor(random() * TOPICS));
    // Most readers pick one of their interests at sign-up; some pick nothing.
    const chosen = random() < 0.7 ? [topicName([...interests][0]!)] : [];
    return { id, bot, interests, chosen, joinDay, profile: null, sent: new Set() };
  };
  for (let i = 0; i < READERS; i++) readers.push(makeReader(`reader-${i}`, false, 0));
  // Bots are created either way, so the humans are the same people with or without them.
  const bots = Array.from({ length: BOTS }, (_, i) => makeReader(`bot-${i}`, true, 0));
  if (botsOn) readers.push(...bots);
  for (let i = 0; i < NEWCOMERS; i++) readers.push(makeReader(`newcomer-${i}`, false, NEWCOMERS_JOIN_DAY));

  const popularity = new Map<string, Engagement>();
  const totals: Engagement = { clicks: 0, delivered: 0 };
  const result: RunResult = {
    precision: [],
    ndcg: [],
    newcomerPrecision: Array(DAYS - NEWCOMERS_JOIN_DAY).fill(0),
    newcomerNoTopicPrecision: Array(DAYS - NEWCOMERS_JOIN_DAY).fill(0),
  };
  const settings: RankSettings = {
    ...defaultRankSettings,
    limit: BRIEFING,
    diversityWindow: BRIEFING,
    halfLifeDays: defaultInterestSettings.halfLifeDays,
  };

  for (let day = 0; day < DAYS; day++) {
    const sendMs = START_MS + day * DAY_MS;
    const pool = world.articlesByDay.slice(Math.max(0, day - POOL_DAYS + 1), day + 1).flat();
    const corpus: Corpus = buildCorpus(pool);
    const candidates = prepareCandidates(pool, corpus);
    const byId = new Map(pool.map((a) => [a.id, a]));
    const snapshot = popularitySnapshot(popularity, totals, sendMs);
    let pSum = 0;
    let nSum = 0;
    let counted = 0;
    const newcomerDay = day - NEWCOMERS_JOIN_DAY;
    let newcomerSum = 0;
    let newcomerCount = 0;
    let noTopicSum = 0;
    let noTopicCount = 0;
    const events: Array<{ reader: Reader; event: ReaderEvent }> = [];

    for (const reader of readers) {
      if (day < reader.joinDay) continue;
      const context = {
        nowMs: sendMs,
        profile: reader.profile,
        chosenTopics: reader.chosen,
        mutedTopics: new Set<string>(),
        mutedSources: new Set<string>(),
        alreadySent: reader.sent,
        popularity: snapshot,
      };
      let ranked: RankedArticle[];
      if (strategy === 'tidings') ranked = rankCandidates(candidates, context, settings);
      else if (strategy === 'popularity') ranked = rankByPopularity(candidates, context, random);
      else ranked = rankByRecency(pool, { limit: BRIEFING, alreadySent: reader.sent });

      if (!reader.bot) {
        const gains = ranked.map((r) => relevance(world, reader, r.article.id));
        const precision = gains.filter((g) => g > 0).length / BRIEFING;
        const ideal = pool
          .filter((a) => a.content_type !== 'internal' && !reader.sent.has(a.id))
          .map((a) => relevance(world, reader, a.id))
          .sort((x, y) => y - x)
          .slice(0, BRIEFING);
        const ndcg = dcg(ideal) > 0 ? dcg(gains) / dcg(ideal) : 0;
        if (reader.joinDay === 0) {
          pSum += precision;
          nSum += ndcg;
          counted++;
        } else if (newcomerDay >= 0) {
          newcomerSum += precision;
          newcomerCount++;
          if (reader.chosen.length === 0) ((noTopicSum += precision), noTopicCount++);
        }
      }

      // What the reader does with the briefing: position bias, noise, votes now and then.
      const opens = reader.bot || random() < 0.8;
      ranked.forEach((r, position) => {
        const id = r.article.id;
        reader.sent.add(id);
        const base = {
          subscriber_id: reader.id,
          edition_id: `day-${day}`,
          article_id: id,
          kind: 'article',
          position,
          url: null,
          method: 'GET',
          user_agent: null,
          ip: null,
          seconds_since_send: null,
        };
        events.push({
          reader,
          event: { ...base, type: 'delivered', kind: null, at: new Date(sendMs).toISOString(), suspected_bot: false, bot_reasons: [] },
        });
        if (!opens) return;
        const at = new Date(sendMs + (position + 1) * 60_000).toISOString();
        if (reader.bot) {
          const flagged = random() < BOT_DETECTION;
          events.push({
            reader,
            event: { ...base, type: 'click', at, suspected_bot: flagged, bot_reasons: flagged ? ['all_links_clicked'] : [] },
          });
          return;
        }
        const rel = relevance(world, reader, id);
        const positionBias = 1 / (1 + 0.25 * position);
        const appeal = rel === 2 ? 0.75 : rel === 1 ? 0.4 : 0.05;
        const clicked = random() < positionBias * appeal * world.quality.get(id)! + 0.02;
        if (clicked) {
          events.push({ reader, event: { ...base, type: 'click', at, suspected_bot: false, bot_reasons: [] } });
          if (rel > 0 && random() < 0.1)
            events.push({ reader, event: { ...base, type: 'vote_up', kind: 'vote_up', at, suspected_bot: false, bot_reasons: [] } });
          if (rel > 0 && random() < 0.05)
            events.push({ reader, event: { ...base, type: 'bookmark', kind: 'bookmark', at, suspected_bot: false, bot_reasons: [] } });
        } else if (rel === 0 && random() < 0.03) {
          events.push({ reader, event: { ...base, type: 'vote_down', kind: 'vote_down', at, suspected_bot: false, bot_reasons: [] } });
        }
      });
    }

    // The learner: the same call the learn worker makes for every event from the stream.
    for (const { reader, event } of events) {
      const outcome = learnEvent(reader.profile, event, byId.get(event.article_id!) ?? null, corpus, defaultInterestSettings);
      if (!outcome.applied) continue;
      reader.profile = outcome.profile;
      const g = outcome.global;
      const e = popularity.get(g.articleId) ?? { clicks: 0, delivered: 0 };
      e.clicks += g.clicks;
      e.delivered += g.delivered;
      popularity.set(g.articleId, e);
      totals.clicks += g.clicks;
      totals.delivered += g.delivered;
    }

    result.precision.push(counted ? pSum / counted : 0);
    result.ndcg.push(counted ? nSum / counted : 0);
    if (newcomerDay >= 0) {
      result.newcomerPrecision[newcomerDay] = newcomerCount ? newcomerSum / newcomerCount : 0;
      result.newcomerNoTopicPrecision[newcomerDay] = noTopicCount ? noTopicSum / noTopicCount : 0;
    }
  }
  return result;
}

/**
 * The popularity-only baseline: the same filters and the same smoothed click-through, nothing
 * personal. Ties (articles nobody has seen yet) are broken at random per reader: without that
 * exploration every reader gets the same ten and popularity never learns anything.
 */
function rankByPopularity(candidates: readonly Candidate[], reader: ReaderContext, random: () => number): RankedArticle[] {
  const oldest = ageReference(candidates, reader.nowMs) - defaultRankSettings.maxAgeHours * 3_600_000;
  return candidates
    .filter((c) => exclusion(c, reader, oldest).ok)
    .map((c) => ({
      article: c.article,
      score: popularityScore(reader.popularity.byArticle.get(c.article.id), reader.popularity.meanCtr) + random() * 1e-6,
      reasons: [],
    }))
    .sort((x, y) => y.score - x.score)
    .slice(0, BRIEFING);
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
const steady = (xs: number[]) => mean(xs.slice(-STEADY_DAYS));
const r4 = (x: number) => Math.round(x * 10_000) / 10_000;

const started = performance.now();
const world = buildWorld(rng(SEED));
const runs = {
  tidings: simulate(world, 'tidings', true),
  recency: simulate(world, 'recency', true),
  popularity: simulate(world, 'popularity', true),
  tidingsWithoutBots: simulate(world, 'tidings', false),
};

const tidingsPrecision = steady(runs.tidings.precision);
const daysTo80 = runs.tidings.newcomerPrecision.findIndex((p) => p >= 0.8 * tidingsPrecision);
const daysTo80NoTopic = runs.tidings.newcomerNoTopicPrecision.findIndex((p) => p >= 0.8 * tidingsPrecision);
const noBots = steady(runs.tidingsWithoutBots.precision);
for (const [name, run] of Object.entries(runs)) {
  console.log(`${name.padEnd(20)} precision@10 by day: ${run.precision.map((p) => p.toFixed(2)).join(' ')}`);
}
console.log(
  `${'newcomers'.padEnd(20)} precision@10 by day since joining: ${runs.tidings.newcomerPrecision.map((p) => p.toFixed(2)).join(' ')}`,
);
console.log(
  `${'  without topics'.padEnd(20)} precision@10 by day since joining: ${runs.tidings.newcomerNoTopicPrecision.map((p) => p.toFixed(2)).join(' ')}`,
);
const summary = {
  days: DAYS,
  steady_state_days: STEADY_DAYS,
  readers: READERS,
  bots: BOTS,
  bot_detection: BOT_DETECTION,
  seed: SEED,
  precision_at_10: {
    tidings: r4(tidingsPrecision),
    recency: r4(steady(runs.recency.precision)),
    popularity: r4(steady(runs.popularity.precision)),
  },
  ndcg_at_10: {
    tidings: r4(steady(runs.tidings.ndcg)),
    recency: r4(steady(runs.recency.ndcg)),
    popularity: r4(steady(runs.popularity.ndcg)),
  },
  tidings_over_popularity: r4(tidingsPrecision / steady(runs.popularity.precision)),
  days_to_80pct_for_new_reader: daysTo80 < 0 ? null : daysTo80,
  days_to_80pct_for_new_reader_without_topics: daysTo80NoTopic < 0 ? null : daysTo80NoTopic,
  precision_without_bots: r4(noBots),
  bot_effect_pct: r4((Math.abs(tidingsPrecision - noBots) / noBots) * 100),
  goals_met: tidingsPrecision >= 2 * steady(runs.popularity.precision) && Math.abs(tidingsPrecision - noBots) / noBots < 0.02,
  seconds: r4((performance.now() - started) / 1000),
};
console.log(JSON.stringify(summary));

// `npm run eval:discovery`: does discovery reach readers whose interests no current source covers?
// A simulated population gets a briefing a day for EVAL_DAYS days (default 14) from the current sources;
// some readers care mostly about topics none of them covers, and candidate sites that do cover them
// publish too, unknown to Tidings. With discovery on, every few days a round builds search queries
// from groups of readers (buildSearchQueries), finds the candidate sites a search for each query
// would return, samples their last posts and scores them for the readers with the ranker's interest
// function (scoreSite); sites over the automatic threshold become sources. Ranker, learner, query
// builder and scorer are the production code. The last line is one JSON object with the figures.
import type { Article, ContentType, ReaderEvent } from '../src/contracts';
import { buildSearchQueries } from '../src/core/discovery/queries';
import { scoreSite, type DiscoveryReader } from '../src/core/discovery/scoring';
import { buildCorpus } from '../src/core/interest/article-features';
import { defaultInterestSettings, type Profile } from '../src/core/interest/interest-profile';
import { learnEvent } from '../src/core/interest/learn';
import { popularitySnapshot, type Engagement } from '../src/core/interest/popularity';
import { defaultRankSettings, prepareCandidates, rankCandidates, type RankSettings } from '../src/core/interest/ranking';

const arg = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const DAYS = arg('EVAL_DAYS', 14);
const STEADY_DAYS = 4;
const SEED = arg('EVAL_SEED', 11);
const COVERED_READERS = arg('EVAL_READERS', 200);
const UNCOVERED_READERS = arg('EVAL_UNCOVERED_READERS', 60);
const TOPICS = 24;
/** Topics from here up: no current source writes about them. */
const FIRST_UNCOVERED = 18;
const SOURCES = 12;
const CANDIDATE_SITES = 10;
const ARTICLES_PER_SOURCE_PER_DAY = 10;
const POOL_DAYS = 3;
const BRIEFING = 10;
/** A discovery round every this many days (the default interval is six hours; a day is the simulation's step). */
const DISCOVERY_EVERY_DAYS = 2;
/** DISCOVERY_AUTO_ACCEPT_SCORE for the simulation. */
const AUTO_ACCEPT = arg('EVAL_AUTO_ACCEPT', 1);
const SEARCH_BUDGET_PER_ROUND = 10;
const DAY_MS = 86_400_000;
const START_MS = Date.UTC(2026, 10, 1, 6);

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

const topicName = (t: number) => `topic-${t}`;
const vocab = (t: number) => Array.from({ length: 14 }, (_, i) => `t${t}w${i}`);
const filler = Array.from({ length: 60 }, (_, i) => `common${i}`);

interface Site {
  id: string;
  topics: number[];
  candidate: boolean;
}

interface World {
  sites: Site[];
  /** Articles per day per site. */
  byDay: Map<string, Article[]>[];
  primary: Map<string, number>;
  secondary: Map<string, number | null>;
  quality: Map<string, number>;
}

function buildWorld(random: () => number): World {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const sites: Site[] = [];
  for (let s = 0; s < SOURCES; s++)
    sites.push({ id: `source-${s}`, topics: Array.from({ length: 5 }, () => Math.floor(random() * FIRST_UNCOVERED)), candidate: false });
  // Candidate sites: most write about uncovered topics, some about covered ones, one about everything.
  for (let s = 0; s < CANDIDATE_SITES; s++) {
    const uncovered = s < 6;
    const topics = uncovered
      ? [
          FIRST_UNCOVERED + (s % (TOPICS - FIRST_UNCOVERED)),
          FIRST_UNCOVERED + ((s + 1) % (TOPICS - FIRST_UNCOVERED)),
          Math.floor(random() * FIRST_UNCOVERED),
        ]
      : Array.from({ length: 6 }, () => Math.floor(random() * TOPICS));
    sites.push({ id: `candidate-${s}`, topics, candidate: true });
  }
  const world: World = { sites, byDay: [], primary: new Map(), secondary: new Map(), quality: new Map() };
  let n = 0;
  // Candidate sites have been publishing before the simulation starts: discovery samples their last posts.
  for (let day = -5; day < DAYS; day++) {
    const today = new Map<string, Article[]>();
    for (const site of sites) {
      const list: Article[] = [];
      for (let i = 0; i < ARTICLES_PER_SOURCE_PER_DAY; i++) {
        const primary = pick(site.topics);
        const secondary = random() < 0.4 ? Math.floor(random() * TOPICS) : null;
        const words = [pick(vocab(primary)), pick(vocab(primary)), pick(vocab(primary)), pick(filler), pick(filler)];
        const id = `art_${(n++).toString(36)}`;
        const type: ContentType = random() < 0.5 ? 'post' : 'news';
        list.push({
          id,
          url: `https://${site.id}.example/${id}`,
          title: `${words.join(' ')} ${id}`,
          summary: [...words, pick(vocab(primary)), secondary !== null ? pick(vocab(secondary)) : pick(filler)].join(' '),
          source: site.id,
          topics: secondary !== null && secondary !== primary ? [topicName(primary), topicName(secondary)] : [topicName(primary)],
          author: null,
          published_at: new Date(START_MS + day * DAY_MS - Math.floor(random() * DAY_MS)).toISOString(),
          content_type: type,
        });
        world.primary.set(id, primary);
        world.secondary.set(id, secondary);
        world.quality.set(id, 0.5 + random() * 0.5);
      }
      today.set(site.id, list);
    }
    world.byDay.push(today);
  }
  return world;
}
const dayIndex = (day: number) => day + 5;

interface Reader {
  id: string;
  uncovered: boolean;
  interests: number[];
  chosen: string[];
  profile: Profile | null;
  sent: Set<string>;
}

function makeReaders(random: () => number): Reader[] {
  const readers: Reader[] = [];
  for (let i = 0; i < COVERED_READERS + UNCOVERED_READERS; i++) {
    const uncovered = i >= COVERED_READERS;
    const interests = new Set<number>();
    // Readers the sources fail: every interest of theirs is a topic no current source writes about
    // (they still see a stray secondary topic of theirs now and then).
    const range = uncovered ? [FIRST_UNCOVERED, TOPICS] : [0, FIRST_UNCOVERED];
    while (interests.size < 3) interests.add(range[0]! + Math.floor(random() * (range[1]! - range[0]!)));
    const list = [...interests];
    readers.push({
      id: `reader-${i}`,
      uncovered,
      interests: list,
      chosen: random() < 0.7 ? [topicName(list[0]!)] : [],
      profile: null,
      sent: new Set(),
    });
  }
  return readers;
}

function relevance(world: World, reader: Reader, id: string): number {
  if (reader.interests.includes(world.primary.get(id)!)) return 2;
  const s = world.secondary.get(id);
  return s !== null && s !== undefined && reader.interests.includes(s) ? 1 : 0;
}

interface RunResult {
  uncovered: number[];
  all: number[];
  added: Array<{ day: number; site: string; score: number; readers: number; reason: string }>;
  queries: number;
}

function simulate(world: World, discovery: boolean): RunResult {
  const random = rng(SEED * 31 + 1);
  const readers = makeReaders(random);
  const followed = new Set(world.sites.filter((s) => !s.candidate).map((s) => s.id));
  const popularity = new Map<string, Engagement>();
  const totals: Engagement = { clicks: 0, delivered: 0 };
  const settings: RankSettings = { ...defaultRankSettings, limit: BRIEFING, diversityWindow: BRIEFING };
  const result: RunResult = { uncovered: [], all: [], added: [], queries: 0 };
  const checked = new Set<string>();

  for (let day = 0; day < DAYS; day++) {
    const sendMs = START_MS + day * DAY_MS;
    const recent = world.byDay.slice(dayIndex(Math.max(0, day - POOL_DAYS + 1)), dayIndex(day) + 1);
    const pool = recent.flatMap((m) => [...m].filter(([site]) => followed.has(site)).flatMap(([, list]) => list));
    const corpus = buildCorpus(pool);

    if (discovery && day % DISCOVERY_EVERY_DAYS === 0 && day > 0) {
      const people: DiscoveryReader[] = readers.map((r) => ({ profile: r.profile, chosenTopics: r.chosen }));
      const queries = buildSearchQueries(people, sendMs, {
        minReaders: 3,
        maxQueries: SEARCH_BUDGET_PER_ROUND,
        minWeight: 0.5,
        halfLifeDays: 21,
      });
      result.queries += queries.length;
      for (const site of world.sites) {
        if (followed.has(site.id) || checked.has(site.id)) continue;
        // A search engine returns a site for a query when it writes about that topic or uses that word.
        const hit = queries.some((q) => site.topics.some((t) => q.q === topicName(t) || vocab(t).includes(q.q)));
        if (!hit) continue;
        checked.add(site.id);
        const sample = world.byDay
          .slice(0, dayIndex(day))
          .flatMap((m) => m.get(site.id) ?? [])
          .sort((a, b) => Date.parse(b.published_at) - Date.parse(a.published_at))
          .slice(0, 10);
        const score = scoreSite(sample, site.id, people, corpus, sendMs);
        if (score.score >= AUTO_ACCEPT) {
          followed.add(site.id);
          result.added.push({ day, site: site.id, score: score.score, readers: score.readers, reason: score.reason });
        }
      }
    }

    const candidates = prepareCandidates(
      recent.flatMap((m) => [...m].filter(([site]) => followed.has(site)).flatMap(([, list]) => list)),
      corpus,
    );
    const byId = new Map(pool.map((a) => [a.id, a]));
    const snapshot = popularitySnapshot(popularity, totals, sendMs);
    let uSum = 0;
    let uCount = 0;
    let aSum = 0;
    const events: Array<{ reader: Reader; event: ReaderEvent }> = [];
    for (const reader of readers) {
      const ranked = rankCandidates(
        candidates,
        {
          nowMs: sendMs,
          profile: reader.profile,
          chosenTopics: reader.chosen,
          mutedTopics: new Set(),
          mutedSources: new Set(),
          alreadySent: reader.sent,
          popularity: snapshot,
        },
        settings,
      );
      const precision = ranked.filter((r) => relevance(world, reader, r.article.id) > 0).length / BRIEFING;
      aSum += precision;
      if (reader.uncovered) ((uSum += precision), uCount++);
      const opens = random() < 0.8;
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
          suspected_bot: false,
          bot_reasons: [],
        };
        events.push({ reader, event: { ...base, type: 'delivered', kind: null, at: new Date(sendMs).toISOString() } });
        if (!opens) return;
        const at = new Date(sendMs + (position + 1) * 60_000).toISOString();
        const rel = relevance(world, reader, id);
        const appeal = rel === 2 ? 0.75 : rel === 1 ? 0.4 : 0.05;
        if (random() < (appeal * world.quality.get(id)!) / (1 + 0.25 * position) + 0.02) {
          events.push({ reader, event: { ...base, type: 'click', at } });
          if (rel > 0 && random() < 0.1) events.push({ reader, event: { ...base, type: 'vote_up', kind: 'vote_up', at } });
        }
      });
    }
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
    result.uncovered.push(uCount ? uSum / uCount : 0);
    result.all.push(aSum / readers.length);
  }
  return result;
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
const steady = (xs: number[]) => mean(xs.slice(-STEADY_DAYS));
const r4 = (x: number) => Math.round(x * 10_000) / 10_000;

const started = performance.now();
const world = buildWorld(rng(SEED));
const off = simulate(world, false);
const on = simulate(world, true);
for (const [name, run] of Object.entries({ off, on })) {
  console.log(`discovery ${name.padEnd(4)} uncovered readers precision@10 by day: ${run.uncovered.map((p) => p.toFixed(2)).join(' ')}`);
  console.log(`discovery ${name.padEnd(4)} all readers       precision@10 by day: ${run.all.map((p) => p.toFixed(2)).join(' ')}`);
}
for (const a of on.added) console.log(`day ${a.day}: added ${a.site} (score ${a.score}): ${a.reason}`);
const uncoveredOff = steady(off.uncovered);
const uncoveredOn = steady(on.uncovered);
const allOff = steady(off.all);
const allOn = steady(on.all);
console.log(
  JSON.stringify({
    days: DAYS,
    steady_state_days: STEADY_DAYS,
    seed: SEED,
    readers: COVERED_READERS + UNCOVERED_READERS,
    uncovered_readers: UNCOVERED_READERS,
    candidate_sites: CANDIDATE_SITES,
    sites_added: on.added.length,
    search_queries: on.queries,
    precision_at_10: {
      uncovered: { discovery_off: r4(uncoveredOff), discovery_on: r4(uncoveredOn) },
      all: { discovery_off: r4(allOff), discovery_on: r4(allOn) },
    },
    uncovered_on_over_off: r4(uncoveredOn / uncoveredOff),
    goals_met: uncoveredOn >= 2 * uncoveredOff && allOn >= allOff,
    seconds: r4((performance.now() - started) / 1000),
  }),
);

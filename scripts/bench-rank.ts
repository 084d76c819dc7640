// `npm run bench:rank`: how fast the production ranker ranks 2,000 candidates for each of 10,000
// readers with learned profiles. The last line is JSON. Set BENCH_READERS / BENCH_CANDIDATES to vary.
import type { Article, ContentType } from '../src/contracts';
import { articleFeatures, buildCorpus } from '../src/core/interest/article-features';
import {
  applySignal,
  defaultInterestSettings,
  emptyProfile,
  type LearnableSignal,
  type Profile,
} from '../src/core/interest/interest-profile';
import { forwardWeight, popularitySnapshot, type Engagement } from '../src/core/interest/popularity';
import { defaultRankSettings, prepareCandidates, rankCandidates, type ReaderContext } from '../src/core/interest/ranking';

const READERS = Number(process.env.BENCH_READERS ?? 10_000);
const CANDIDATES = Number(process.env.BENCH_CANDIDATES ?? 2_000);
/** Distinct learned profiles; readers share them round-robin (learning 10,000 profiles is not what is measured). */
const PROFILES = 500;
const SIGNALS_PER_PROFILE = 150;
const NOW = Date.UTC(2026, 10, 20, 12);

let seed = 12345;
const random = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296;
const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
const words = Array.from({ length: 3000 }, (_, i) => `word${i}`);
const topics = Array.from({ length: 60 }, (_, i) => `topic-${i}`);
const types: ContentType[] = ['post', 'news', 'tutorial', 'podcast', 'video', 'changelog', 'internal'];

const articles: Article[] = Array.from({ length: CANDIDATES }, (_, i) => ({
  id: `art_${i}`,
  url: `https://source-${i % 40}.example/${i}`,
  title: Array.from({ length: 8 }, () => pick(words)).join(' '),
  summary: Array.from({ length: 40 }, () => pick(words)).join(' '),
  source: `source-${i % 40}`,
  topics: [pick(topics), pick(topics)].filter((t, j, all) => all.indexOf(t) === j),
  author: `author ${i % 200}`,
  published_at: new Date(NOW - Math.floor(random() * 6 * 86_400_000)).toISOString(),
  content_type: pick(types),
}));

const setupStarted = performance.now();
const corpus = buildCorpus(articles);
const candidates = prepareCandidates(articles, corpus);
const features = articles.map((a) => articleFeatures(a, corpus));
const signals: LearnableSignal[] = [
  'click',
  'click',
  'click',
  'delivered',
  'delivered',
  'delivered',
  'delivered',
  'bookmark',
  'vote_up',
  'vote_down',
];
const profiles: Profile[] = Array.from({ length: PROFILES }, () => {
  let profile = emptyProfile();
  for (let s = 0; s < SIGNALS_PER_PROFILE; s++) {
    const i = Math.floor(random() * articles.length);
    profile = applySignal(
      profile,
      articles[i]!.id,
      features[i]!,
      pick(signals),
      NOW - Math.floor(random() * 30 * 86_400_000),
      defaultInterestSettings,
    ).profile;
  }
  return profile;
});
const stored: Array<[string, Engagement]> = articles.map((a) => [
  a.id,
  { clicks: random() * 50 * forwardWeight(NOW), delivered: (50 + random() * 500) * forwardWeight(NOW) },
]);
const popularity = popularitySnapshot(stored, { clicks: 1, delivered: 10 }, NOW);
const setupSeconds = (performance.now() - setupStarted) / 1000;

const readers: ReaderContext[] = Array.from({ length: READERS }, (_, r) => ({
  nowMs: NOW,
  profile: profiles[r % PROFILES]!,
  chosenTopics: [pick(topics), pick(topics)],
  mutedTopics: new Set(random() < 0.1 ? [pick(topics)] : []),
  mutedSources: new Set(random() < 0.1 ? [`source-${r % 40}`] : []),
  alreadySent: new Set(Array.from({ length: 30 }, () => `art_${Math.floor(random() * CANDIDATES)}`)),
  popularity,
}));

const settings = { ...defaultRankSettings, limit: 10 };
// Warm up the JIT the way a long-running worker is warm.
for (let i = 0; i < 200; i++) rankCandidates(candidates, readers[i % READERS]!, settings);

const times = new Float64Array(READERS);
const started = performance.now();
let checksum = 0;
for (let r = 0; r < READERS; r++) {
  const t0 = performance.now();
  const ranked = rankCandidates(candidates, readers[r]!, settings);
  times[r] = performance.now() - t0;
  checksum += ranked.length;
}
const seconds = (performance.now() - started) / 1000;
times.sort();
const at = (q: number) => Math.round(times[Math.min(READERS - 1, Math.floor(q * READERS))]! * 1000) / 1000;

// The whole candidate list (as `tidings rank` prints it) costs more: every candidate gets reasons.
const fullTimes: number[] = [];
for (let r = 0; r < 200; r++) {
  const t0 = performance.now();
  rankCandidates(candidates, readers[r % READERS]!, { ...settings, limit: Infinity });
  fullTimes.push(performance.now() - t0);
}
fullTimes.sort((a, b) => a - b);

const profileFeatures = profiles.map((p) => Object.keys(p.weights).length).sort((a, b) => a - b);
console.log(
  JSON.stringify({
    readers: READERS,
    candidates: CANDIDATES,
    briefing_size: settings.limit,
    rankings_per_second: Math.round(READERS / seconds),
    seconds: Math.round(seconds * 100) / 100,
    p50_ms_one_reader: at(0.5),
    p95_ms: at(0.95),
    p99_ms: at(0.99),
    p50_ms_full_list: Math.round(fullTimes[100]! * 1000) / 1000,
    profile_features_max: profileFeatures[profileFeatures.length - 1],
    profile_features_cap: defaultInterestSettings.maxFeatures,
    setup_seconds: Math.round(setupSeconds * 100) / 100,
    goal_p50_ms: 5,
    goal_met: at(0.5) <= 5,
    ranked_total: checksum,
    note: 'shared 2-core machine: figures vary run to run; rerun with npm run bench:rank',
  }),
);

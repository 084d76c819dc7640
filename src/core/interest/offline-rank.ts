// `tidings rank --input`: one stateless ranking from one JSON line (history in, ranking out), with
// exactly the learner and ranker the workers use.
import { z } from 'zod';
import { articleSchema, describeIssues, type Article } from '../../contracts';
import { articleFeatures, buildCorpus } from './article-features';
import {
  applySignal,
  defaultInterestSettings,
  emptyProfile,
  learnableSignals,
  type InterestSettings,
  type Profile,
} from './interest-profile';
import { noPopularity } from './popularity';
import { defaultRankSettings, prepareCandidates, rankCandidates, type RankSettings } from './ranking';

export const offlineRankInputSchema = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  now: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }),
  topics: z.array(z.string().trim().toLowerCase().min(1)).default([]),
  history: z
    .array(
      z.object({
        article: articleSchema,
        event: z.enum(learnableSignals, { error: `must be one of ${learnableSignals.join(', ')}` }),
        at: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }),
      }),
    )
    .default([]),
  candidates: z.array(articleSchema),
});

export type OfflineRankInput = z.input<typeof offlineRankInputSchema>;

export interface OfflineRankOutput {
  id: string;
  ranked: Array<{ id: string; score: number; reasons: string[] }>;
}

export type OfflineRankResult = { ok: true; output: OfflineRankOutput } | { ok: false; id: string | null; reasons: string[] };

/** Rank one input line. A line that is not valid JSON or breaks the schema gives its reasons. */
export function rankOfflineLine(
  line: string,
  interest: InterestSettings = defaultInterestSettings,
  rank: Partial<RankSettings> = {},
): OfflineRankResult {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (error) {
    return { ok: false, id: null, reasons: [`not valid JSON: ${error instanceof Error ? error.message : String(error)}`] };
  }
  const parsed = offlineRankInputSchema.safeParse(raw);
  const id = typeof raw === 'object' && raw !== null && 'id' in raw ? String((raw as { id: unknown }).id) : null;
  if (!parsed.success) return { ok: false, id, reasons: describeIssues(parsed.error) };
  const input = parsed.data;
  const nowMs = Date.parse(input.now);

  // The corpus is everything this line mentions: the only articles a stateless replay knows.
  const corpus = buildCorpus(uniqueArticles([...input.history.map((h) => h.article), ...input.candidates]));
  let profile: Profile = emptyProfile();
  const history = [...input.history].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  for (const h of history) {
    profile = applySignal(profile, h.article.id, articleFeatures(h.article, corpus), h.event, Date.parse(h.at), interest).profile;
  }
  const ranked = rankCandidates(
    prepareCandidates(uniqueArticles(input.candidates), corpus),
    {
      nowMs,
      profile: history.length > 0 ? profile : null,
      chosenTopics: input.topics,
      mutedTopics: new Set(),
      mutedSources: new Set(),
      alreadySent: new Set(input.history.map((h) => h.article.id)),
      popularity: noPopularity,
    },
    { ...defaultRankSettings, halfLifeDays: interest.halfLifeDays, ...rank, limit: Infinity },
  );
  return { ok: true, output: { id: input.id, ranked: ranked.map((r) => ({ id: r.article.id, score: r.score, reasons: r.reasons })) } };
}

function uniqueArticles(articles: readonly Article[]): Article[] {
  const seen = new Map<string, Article>();
  for (const a of articles) if (!seen.has(a.id)) seen.set(a.id, a);
  return [...seen.values()];
}

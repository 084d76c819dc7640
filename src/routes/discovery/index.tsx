// Discovery on the web: the reader's search over the archive (ordered by the ranker), following a
// suggested source, and the operator's accept/dismiss buttons and JSON list.
import { Hono } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import type { Subscriber } from '../../contracts';
import { matchesQuery, queryTerms, suggestionFit } from '../../core/discovery/archive-search';
import { buildCorpus } from '../../core/interest/article-features';
import { defaultRankSettings, prepareCandidates, rankCandidates } from '../../core/interest/ranking';
import type { AppDeps } from '../../deps';
import { recentArticles } from '../../store/articles';
import {
  acceptSuggestion,
  dismissSuggestion,
  followSource,
  followedSources,
  getSuggestion,
  listSuggestions,
  type Suggestion,
} from '../../store/discovery';
import { getProfile } from '../../store/interest';
import type { Db } from '../../store/keys';
import { readerContext } from '../../store/reader-context';
import { listSources } from '../../store/sources';
import { csrfGuard } from '../auth/http';
import { readForm } from '../form';
import { operatorOnly } from '../ops/operator-session';
import { currentReader, signInFirst } from '../reader-session';
import type { ViewerEnv } from '../viewer';
import { SearchPage, type SearchHit } from './discovery.page';

/** How much of the archive a search looks through, newest first. */
const ARCHIVE = 5000;
const RESULTS = 30;

export function discoveryRoutes(deps: AppDeps) {
  const app = new Hono<ViewerEnv>();

  app.get('/search', async (c) => {
    const reader = await currentReader(c, deps);
    if (!reader) return signInFirst(c);
    c.header('Cache-Control', 'private, no-store');
    const q = (c.req.query('q') ?? '').trim().slice(0, 200);
    const terms = queryTerms(q);
    if (terms.length === 0 || !reader.subscriber) return c.html(<SearchPage q={q} hits={[]} tooShort={terms.length === 0} />);
    return c.html(<SearchPage q={q} hits={await searchArchive(deps, reader.subscriber, terms)} tooShort={false} />);
  });

  app.post('/suggestions/follow', csrfGuard(deps));
  app.post('/suggestions/follow', async (c) => {
    const reader = await currentReader(c, deps);
    if (!reader) return signInFirst(c);
    const s = await getSuggestion(deps.db, (await readForm(c)).url ?? '');
    if (!reader.subscriber || !s || s.status === 'dismissed') return c.redirect('/', 303);
    await followSource(deps.db, reader.subscriber.id, s.source_id);
    return c.redirect(`/?${new URLSearchParams({ followed: s.url })}`, 303);
  });

  app.use('/ops/suggestions/*', operatorOnly(deps.config, 'page'));
  app.post('/ops/suggestions/*', csrfGuard(deps));
  app.post('/ops/suggestions/:action{accept|dismiss}', async (c) => {
    const s = await getSuggestion(deps.db, (await readForm(c)).url ?? '');
    if (s) {
      // The workers' polling planner starts polling an accepted source within minutes (the edge never queues jobs).
      if (c.req.param('action') === 'accept') await acceptSuggestion(deps.db, s, null, deps.now());
      else await dismissSuggestion(deps.db, s);
    }
    return c.redirect('/ops#suggestions', 303);
  });
  // This group is mounted before the ops API's, so it guards its own endpoint with the operator token.
  app.use('/ops/api/suggestions', bearerAuth({ token: deps.config.OPERATOR_TOKEN }));
  app.get('/ops/api/suggestions', async (c) =>
    c.json({
      suggestions: (await listSuggestions(deps.db, 'open')).map((s) => ({
        url: s.url,
        feed_url: s.feed_url,
        title: s.title,
        score: s.score,
        readers: s.readers,
        reason: s.reason,
      })),
    }),
  );
  return app;
}

/** Archive articles matching the words, ranked for this reader by the briefing's ranker (nothing left out for age or for having been sent). */
async function searchArchive(deps: AppDeps, subscriber: Subscriber, terms: string[]): Promise<SearchHit[]> {
  const [articles, sources] = await Promise.all([recentArticles(deps.db, ARCHIVE), listSources(deps.db)]);
  const titles = new Map(sources.map((s) => [s.id, s.title || s.id]));
  const matching = articles.filter((a) => matchesQuery(a, terms, titles.get(a.source)));
  if (matching.length === 0) return [];
  const ctx = await readerContext(deps.db, subscriber, matching, deps.now().getTime());
  const ranked = rankCandidates(
    prepareCandidates(matching, buildCorpus(articles)),
    { ...ctx, alreadySent: new Set() },
    { ...defaultRankSettings, limit: RESULTS, diversityWindow: 0, maxAgeHours: Infinity },
  );
  return ranked.map((r) => ({
    title: r.article.title,
    url: r.article.url,
    source: titles.get(r.article.source) ?? r.article.source,
    published: r.article.published_at,
    reasons: r.reasons,
  }));
}

/** Suggestions that fit one reader, best fit first, without those they already follow or an operator dismissed. */
export async function suggestionsFor(db: Db, subscriber: Subscriber, limit = 3): Promise<Suggestion[]> {
  const [all, profile, followed] = await Promise.all([
    listSuggestions(db),
    getProfile(db, subscriber.id),
    followedSources(db, subscriber.id),
  ]);
  const weights = profile?.weights ?? {};
  return all
    .filter((s) => s.status !== 'dismissed' && !followed.has(s.source_id))
    .map((s) => ({ s, fit: suggestionFit(s.features, weights, subscriber.topics) }))
    .filter((x) => x.fit >= 0.5)
    .sort((x, y) => y.fit - x.fit || y.s.score - x.s.score)
    .slice(0, limit)
    .map((x) => x.s);
}

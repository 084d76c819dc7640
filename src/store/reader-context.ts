// Everything the ranker knows about one reader now, read from Redis in a few round trips: shared by
// briefings (workers), `tidings rank` and the reader's search on the web.
import type { Article, Subscriber } from '../contracts';
import { FOUND_PREFIX } from '../core/discovery/search-results';
import type { ReaderContext } from '../core/interest/ranking';
import { followedSources, foundFor } from './discovery';
import { getPrefs, getProfile, loadPopularity } from './interest';
import type { Db } from './keys';
import { listSources } from './sources';

export async function readerContext(db: Db, subscriber: Subscriber, candidates: readonly Article[], nowMs: number): Promise<ReaderContext> {
  const [profile, prefs, sent, popularity, sources, followed, found] = await Promise.all([
    getProfile(db, subscriber.id),
    getPrefs(db, subscriber.id),
    db.redis.smembers(db.keys.sentArticles(subscriber.id)),
    loadPopularity(
      db,
      candidates.map((a) => a.id),
      nowMs,
    ),
    listSources(db),
    followedSources(db, subscriber.id),
    foundFor(
      db,
      candidates.filter((a) => a.source.startsWith(FOUND_PREFIX)).map((a) => a.id),
    ),
  ]);
  const muted = new Set(prefs.muted_topics);
  return {
    nowMs,
    profile,
    chosenTopics: subscriber.topics.filter((t) => !muted.has(t)),
    mutedTopics: muted,
    mutedSources: new Set(prefs.muted_sources),
    alreadySent: new Set(sent),
    popularity,
    sourceTitles: new Map(sources.map((s) => [s.id, s.title || s.id])),
    followedSources: followed,
    foundFor: found,
  };
}

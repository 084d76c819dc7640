// Search queries from what groups of readers share: the strongest topics and words held by several
// readers at once. A query never describes one person: a feature held by fewer than `minReaders`
// readers is never sent to a search provider.
import { describeFeature } from '../interest/article-features';
import { decayFactor } from '../interest/interest-profile';
import type { DiscoveryReader } from './scoring';

export interface SearchQuery {
  /** What is sent to the search provider. */
  q: string;
  /** The interest in words, for "found for your interest in …". */
  interest: string;
  /** How many readers share it (at least minReaders). */
  readers: number;
}

export interface QuerySettings {
  /** The fewest readers a query may describe. */
  minReaders: number;
  maxQueries: number;
  /** A learned weight (decayed to now) counts as an interest from here up. */
  minWeight: number;
  halfLifeDays: number;
}

export const defaultQuerySettings: QuerySettings = { minReaders: 3, maxQueries: 10, minWeight: 0.5, halfLifeDays: 21 };

/** The queries for one discovery round, strongest shared interest first. */
export function buildSearchQueries(
  readers: readonly DiscoveryReader[],
  nowMs: number,
  settings: QuerySettings = defaultQuerySettings,
): SearchQuery[] {
  const held = new Map<string, { readers: number; strength: number }>();
  for (const reader of readers) {
    const mine = new Map<string, number>();
    const p = reader.profile;
    if (p) {
      const decay = decayFactor(p.updated_at, nowMs, settings.halfLifeDays);
      for (const key in p.weights) {
        // Topics and words describe subjects; sources, writers and types do not make a search.
        if (!key.startsWith('t:') && !key.startsWith('w:')) continue;
        const w = p.weights[key]! * decay;
        if (w >= settings.minWeight) mine.set(key, w);
      }
    }
    for (const t of reader.chosenTopics) mine.set(`t:${t}`, Math.max(mine.get(`t:${t}`) ?? 0, settings.minWeight));
    for (const [key, w] of mine) {
      const h = held.get(key) ?? { readers: 0, strength: 0 };
      h.readers++;
      h.strength += w;
      held.set(key, h);
    }
  }
  const shared = [...held].filter(([, h]) => h.readers >= settings.minReaders);
  shared.sort((x, y) => y[1].strength - x[1].strength || y[1].readers - x[1].readers || (x[0] < y[0] ? -1 : 1));
  const out: SearchQuery[] = [];
  const seen = new Set<string>();
  for (const [key, h] of shared) {
    if (out.length >= settings.maxQueries) break;
    const label = describeFeature(key).label;
    if (seen.has(label)) continue;
    seen.add(label);
    out.push({ q: label, interest: label, readers: h.readers });
  }
  return out;
}

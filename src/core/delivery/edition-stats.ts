// Click figures per edition from reader events: people and automated clicks (scanners, prefetchers) apart.
import type { ReaderEvent } from '../../contracts';

export interface EditionClicks {
  /** Clicks by people (not flagged as automated). */
  clicks: number;
  uniqueClickers: number;
  /** Clicks flagged as automated (HEAD requests, scanners, honeypot, too fast), kept apart. */
  automated: number;
  /** Articles by human clicks, most clicked first; `readers` counts each person once, however often they clicked. */
  topArticles: Array<{ articleId: string; clicks: number; readers: number }>;
}

/** Aggregate click events for the given editions; other events and editions are ignored. */
export function aggregateClicks(events: Iterable<ReaderEvent>, editions: ReadonlySet<string>, topN = 5): Map<string, EditionClicks> {
  const acc = clickAccumulator(editions, topN);
  for (const e of events) acc.add(e);
  return acc.result();
}

/** The same, fed one event at a time, so a long stream never has to be held in memory. */
export function clickAccumulator(
  editions: ReadonlySet<string>,
  topN = 5,
): { add(e: ReaderEvent): void; result(): Map<string, EditionClicks> } {
  type ArticleClicks = { clicks: number; readers: Set<string> };
  const acc = new Map<string, { clicks: number; automated: number; clickers: Set<string>; articles: Map<string, ArticleClicks> }>();
  const add = (e: ReaderEvent) => {
    if (e.type !== 'click' || !editions.has(e.edition_id)) return;
    let a = acc.get(e.edition_id);
    if (!a) acc.set(e.edition_id, (a = { clicks: 0, automated: 0, clickers: new Set(), articles: new Map() }));
    if (e.suspected_bot) {
      a.automated++;
      return;
    }
    a.clicks++;
    a.clickers.add(e.subscriber_id);
    if (e.article_id && (e.kind === null || e.kind === 'article')) {
      let article = a.articles.get(e.article_id);
      if (!article) a.articles.set(e.article_id, (article = { clicks: 0, readers: new Set() }));
      article.clicks++;
      article.readers.add(e.subscriber_id);
    }
  };
  const result = () => {
    const out = new Map<string, EditionClicks>();
    for (const [edition, a] of acc) {
      const topArticles = [...a.articles]
        .sort((x, y) => y[1].clicks - x[1].clicks || x[0].localeCompare(y[0]))
        .slice(0, topN)
        .map(([articleId, { clicks, readers }]) => ({ articleId, clicks, readers: readers.size }));
      out.set(edition, { clicks: a.clicks, uniqueClickers: a.clickers.size, automated: a.automated, topArticles });
    }
    return out;
  };
  return { add, result };
}

/** Unique human clickers per email sent, as a fraction (0 when nothing was sent). */
export function clickThrough(uniqueClickers: number, sent: number): number {
  return sent > 0 ? uniqueClickers / sent : 0;
}

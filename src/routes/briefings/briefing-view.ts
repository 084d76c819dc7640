// A stored briefing made ready for the web: its articles read back and every link signed again exactly as the
// email signed it (same payload, same key, same token), so a click here is the email's click.
import type { Subscriber } from '../../contracts';
import { articleActionLinks, trackedLink, type BriefingLinkContext } from '../../core/links/briefing-links';
import type { AppDeps } from '../../deps';
import type { Article } from '../../contracts';
import { articleSchema } from '../../contracts';
import { articleActionStates } from '../../store/reader-actions';
import type { ReaderBriefing } from '../../store/reader-briefings';

export interface WebBriefingItem {
  title: string;
  summary: string;
  source: string;
  href: string;
  reasons: string[];
  saveHref: string;
  moreHref: string;
  fewerHref: string;
  /** The reader's own state, so a button says what pressing it will do. */
  saved: boolean;
  vote: 'up' | 'down' | null;
}

export interface WebBriefing {
  edition: string;
  label: string;
  items: WebBriefingItem[];
}

export async function webBriefing(deps: AppDeps, subscriber: Subscriber, briefing: ReaderBriefing): Promise<WebBriefing> {
  const ids = briefing.items.map((i) => i.id);
  const [rows, sources, states] = await Promise.all([
    ids.length ? deps.db.redis.hmget(deps.db.keys.articles, ...ids) : Promise.resolve([]),
    deps.db.redis.hgetall(deps.db.keys.sources),
    articleActionStates(deps.db, subscriber.id, ids),
  ]);
  const links: BriefingLinkContext = {
    baseUrl: deps.config.PUBLIC_BASE_URL,
    signer: deps.signer,
    subscriberId: subscriber.id,
    editionId: briefing.edition,
    sentAt: Math.floor(briefing.sent_at / 1000),
  };
  const items = await Promise.all(
    briefing.items.map(async (item, position) => {
      const raw = rows[position];
      if (!raw) return null;
      const article: Article = articleSchema.parse(JSON.parse(raw));
      const [href, actions] = await Promise.all([
        trackedLink(links, article.url, 'article', article.id, position),
        articleActionLinks(links, article.url, article.id, position),
      ]);
      return {
        title: article.title,
        summary: article.summary,
        source: sourceTitle(sources[article.source]) ?? article.source,
        href,
        reasons: item.reasons,
        saveHref: actions.bookmark,
        moreHref: actions.voteUp,
        fewerHref: actions.voteDown,
        saved: states[position]!.saved,
        vote: states[position]!.vote,
      };
    }),
  );
  return {
    edition: briefing.edition,
    label: editionLabel(briefing.sent_at, subscriber.timezone),
    items: items.filter((i): i is WebBriefingItem => i !== null),
  };
}

function sourceTitle(raw: string | undefined): string | null {
  if (!raw) return null;
  try {
    return (JSON.parse(raw) as { title?: string }).title || null;
  } catch {
    return null;
  }
}

const labelFormats = new Map<string, Intl.DateTimeFormat>();

/** "Tuesday, 1 December 2026" in the reader's zone. */
export function editionLabel(atMs: number, timeZone: string): string {
  let format = labelFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone });
    labelFormats.set(timeZone, format);
  }
  return format.format(new Date(atMs));
}

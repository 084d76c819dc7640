// Compose one reader's briefing: rank the candidates, sign every link, render HTML and text.
import { createElement } from 'react';
import { Briefing, type BriefingItem } from '../emails/briefing';
import { renderEmail } from '../emails/render';
import type { OutgoingEmail, Subscriber } from '../src/contracts';
import type { Config } from '../src/env';
import type { LinkKind, LinkSigner } from '../src/core/links';
import { latestPost, rankByRecency } from '../src/core/ranking';
import { recentArticles } from '../src/store/articles';
import type { Db } from '../src/store/keys';
import { listSources } from '../src/store/sources';

/** How many of the newest articles are considered for a briefing. */
const CANDIDATE_POOL = 500;

export interface ComposeDeps {
  config: Config;
  db: Db;
  signer: LinkSigner;
}

export interface ComposedBriefing {
  email: OutgoingEmail;
  articleIds: string[];
}

/** Compose a briefing, or null when there is nothing new for this reader. Deterministic for fixed inputs. */
export async function composeBriefing(deps: ComposeDeps, subscriber: Subscriber, editionId: string, sentAt: Date): Promise<ComposedBriefing | null> {
  const candidates = await recentArticles(deps.db, CANDIDATE_POOL);
  const alreadySent = new Set(await deps.db.redis.smembers(deps.db.keys.sentArticles(subscriber.id)));
  const ranked = rankByRecency(candidates, { limit: deps.config.BRIEFING_SIZE, alreadySent });
  if (ranked.length === 0) return null;

  const sentAtSeconds = Math.floor(sentAt.getTime() / 1000);
  const link = async (url: string, kind: LinkKind, article: string | null, position: number | null) =>
    `${deps.config.PUBLIC_BASE_URL}/c/${await deps.signer.sign({ url, kind, article, position, subscriber: subscriber.id, edition: editionId, sent_at: sentAtSeconds })}`;

  const sourceTitles = new Map((await listSources(deps.db)).map((s) => [s.id, s.title || s.id]));
  const items: BriefingItem[] = await Promise.all(
    ranked.map(async ({ article, reasons }, position) => ({
      title: article.title,
      summary: article.summary,
      source: sourceTitles.get(article.source) ?? article.source,
      href: await link(article.url, 'article', article.id, position),
      reasons,
    })),
  );
  const post = latestPost(candidates);
  const rendered = await renderEmail(
    createElement(Briefing, {
      editionLabel: editionLabel(sentAt, subscriber.timezone),
      items,
      latestPost: post ? { title: post.title, href: await link(post.url, 'article', post.id, null) } : null,
      footerLinks: [],
    }),
  );
  const top = ranked[0]!.article.title;
  const subject = ranked.length === 1 ? `Your briefing: ${top}` : `Your briefing: ${top}, and ${ranked.length - 1} more`;
  return {
    email: { from: deps.config.MAIL_FROM, to: [subscriber.email], subject, html: rendered.html, text: rendered.text, headers: {} },
    articleIds: ranked.map((r) => r.article.id),
  };
}

function editionLabel(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone }).format(at);
}

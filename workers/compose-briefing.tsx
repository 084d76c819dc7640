// Compose one reader's briefing: rank the candidates, sign every link, render HTML and text.
import { createElement } from 'react';
import { Briefing, type BriefingItem } from '../emails/briefing';
import { renderEmail } from '../emails/render';
import type { OutgoingEmail, Subscriber } from '../src/contracts';
import type { Config } from '../src/env';
import { articleActionLinks, briefingExtras, trackedLink, type BriefingLinkContext } from '../src/core/briefing-links';
import type { LinkSigner } from '../src/core/links';
import { latestPost } from '../src/core/ranking';
import type { Db } from '../src/store/keys';
import { listSources } from '../src/store/sources';
import { selectArticles } from './select-articles';

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
  const { ranked, candidates } = await selectArticles(deps.db, subscriber, deps.config.BRIEFING_SIZE, { config: deps.config, now: sentAt });
  if (ranked.length === 0) return null;

  const links: BriefingLinkContext = {
    baseUrl: deps.config.PUBLIC_BASE_URL,
    signer: deps.signer,
    subscriberId: subscriber.id,
    editionId,
    sentAt: Math.floor(sentAt.getTime() / 1000),
  };

  const sourceTitles = new Map((await listSources(deps.db)).map((s) => [s.id, s.title || s.id]));
  const items: BriefingItem[] = await Promise.all(
    ranked.map(async ({ article, reasons }, position) => ({
      title: article.title,
      summary: article.summary,
      source: sourceTitles.get(article.source) ?? article.source,
      href: await trackedLink(links, article.url, 'article', article.id, position),
      actions: await articleActionLinks(links, article.url, article.id, position),
      reasons,
    })),
  );
  const post = latestPost(candidates);
  const extras = await briefingExtras(links);
  const rendered = await renderEmail(
    createElement(Briefing, {
      editionLabel: editionLabel(sentAt, subscriber.timezone),
      items,
      latestPost: post ? { title: post.title, href: await trackedLink(links, post.url, 'article', post.id, null) } : null,
      footerLinks: extras.footerLinks,
      honeypotHref: extras.honeypotHref,
    }),
  );
  const top = ranked[0]!.article.title;
  const subject = ranked.length === 1 ? `Your briefing: ${top}` : `Your briefing: ${top}, and ${ranked.length - 1} more`;
  return {
    email: { from: deps.config.MAIL_FROM, to: [subscriber.email], subject, html: rendered.html, text: rendered.text, headers: extras.headers },
    articleIds: ranked.map((r) => r.article.id),
  };
}

function editionLabel(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone }).format(at);
}

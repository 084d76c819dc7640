// Compose one reader's briefing: rank the candidates, sign every link, render HTML and text.
import type { BriefingItem, BriefingProps } from '../../emails/briefing';
import { naiveBriefingRenderer, type BriefingRenderer } from '../../emails/fast-briefing';
import type { Article, OutgoingEmail, Subscriber } from '../../src/contracts';
import type { Config } from '../../src/env';
import { articleActionLinks, briefingExtras, trackedLink, type BriefingLinkContext } from '../../src/core/links/briefing-links';
import type { LinkSigner } from '../../src/core/links/links';
import { latestPost } from '../../src/core/interest/ranking';
import type { Db } from '../../src/store/keys';
import { listSources } from '../../src/store/sources';
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

/** Everything a reader's briefing shows, before rendering: links signed, subject and preview chosen. */
export interface BriefingContent {
  props: BriefingProps;
  subject: string;
  headers: Record<string, string>;
  articleIds: string[];
}

/** Source titles by id, looked up once per batch rather than once per reader. */
export type SourceTitles = Map<string, string>;

export async function loadSourceTitles(db: Db): Promise<SourceTitles> {
  return new Map((await listSources(db)).map((s) => [s.id, s.title || s.id]));
}

/** Select and sign: the per-reader work of a briefing, or null when there is nothing new for this reader. */
export async function briefingContent(deps: ComposeDeps, subscriber: Subscriber, editionId: string, sentAt: Date, sourceTitles?: SourceTitles): Promise<BriefingContent | null> {
  const { ranked, candidates, alreadySent } = await selectArticles(deps.db, subscriber, deps.config.BRIEFING_SIZE, { config: deps.config, now: sentAt });
  if (ranked.length === 0) return null;

  const links: BriefingLinkContext = {
    baseUrl: deps.config.PUBLIC_BASE_URL,
    signer: deps.signer,
    subscriberId: subscriber.id,
    editionId,
    sentAt: Math.floor(sentAt.getTime() / 1000),
  };

  const titles = sourceTitles ?? (await loadSourceTitles(deps.db));
  const items: BriefingItem[] = await Promise.all(
    ranked.map(async ({ article, reasons }, position) => ({
      title: article.title,
      summary: article.summary,
      source: titles.get(article.source) ?? article.source,
      href: await trackedLink(links, article.url, 'article', article.id, position),
      actions: await articleActionLinks(links, article.url, article.id, position),
      reasons,
    })),
  );
  const post = latestPost(candidates, new Set([...alreadySent, ...ranked.map((r) => r.article.id)]));
  const extras = await briefingExtras(links);
  const articles = ranked.map((r) => r.article);
  return {
    props: {
      editionLabel: editionLabel(sentAt, subscriber.timezone),
      preview: previewLine(articles),
      items,
      latestPost: post ? { title: post.title, href: await trackedLink(links, post.url, 'article', post.id, null) } : null,
      footerLinks: extras.footerLinks,
      honeypotHref: extras.honeypotHref,
    },
    subject: subjectLine(articles),
    headers: extras.headers,
    articleIds: ranked.map((r) => r.article.id),
  };
}

/** Compose a briefing, or null when there is nothing new for this reader. Deterministic for fixed inputs. */
export async function composeBriefing(
  deps: ComposeDeps,
  subscriber: Subscriber,
  editionId: string,
  sentAt: Date,
  renderer: BriefingRenderer = naiveBriefingRenderer,
  sourceTitles?: SourceTitles,
): Promise<ComposedBriefing | null> {
  const content = await briefingContent(deps, subscriber, editionId, sentAt, sourceTitles);
  if (!content) return null;
  const rendered = await renderer.render(content.props);
  return {
    email: { from: deps.config.MAIL_FROM, to: [subscriber.email], subject: content.subject, html: rendered.html, text: rendered.text, headers: content.headers },
    articleIds: content.articleIds,
  };
}

/** Says what is inside: the lead story, how many more, and from how many sources. */
export function subjectLine(articles: readonly Article[]): string {
  const top = articles[0]!.title;
  if (articles.length === 1) return `Your briefing: ${top}`;
  return `Your briefing: ${top}, and ${articles.length - 1} more`;
}

function previewLine(articles: readonly Article[]): string {
  const rest = articles.slice(1, 3).map((a) => a.title);
  return rest.length > 0 ? `Also: ${rest.join(' · ')}` : `${articles.length} article picked for you`;
}

const labelFormats = new Map<string, Intl.DateTimeFormat>();

function editionLabel(at: Date, timeZone: string): string {
  let format = labelFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone });
    labelFormats.set(timeZone, format);
  }
  return format.format(at);
}

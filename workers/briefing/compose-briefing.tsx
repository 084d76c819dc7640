// Compose one reader's briefing: rank the candidates, sign every link, render HTML and text.
import type { BriefingProps } from '../../emails/briefing';
import { briefingProps, type BriefingPropsResult } from '../../emails/briefing-props';
import { shownReasons } from '../../emails/briefing-text';
import { clip, EMAIL_LIMITS } from '../../emails/clip';
import { naiveBriefingRenderer, type BriefingRenderer } from '../../emails/fast-briefing';
import type { Article, OutgoingEmail, SentBriefing, Subscriber } from '../../src/contracts';
import type { Config } from '../../src/env';
import type { LinkSigner } from '../../src/core/links/links';
import { latestPost } from '../../src/core/interest/ranking';
import type { Db } from '../../src/store/keys';
import { saveSentBriefing } from '../../src/store/sent-briefings';
import { loadSourceTitles, type SourceTitles } from '../../src/store/sources';
import { selectArticles, type Selection } from './select-articles';

export interface ComposeDeps {
  config: Config;
  db: Db;
  signer: LinkSigner;
}

export interface ComposedBriefing {
  email: OutgoingEmail;
  articleIds: string[];
  /** "Why you're seeing this" per article, kept with the reader's archive so the web view says the same. */
  reasons: string[][];
}

/** Everything a reader's briefing shows, before rendering: links signed, subject and preview chosen. */
export interface BriefingContent {
  props: BriefingProps;
  subject: string;
  headers: Record<string, string>;
  articleIds: string[];
  /** What the reader is sent, as stored for "view in browser" and the text part's short links. */
  record: SentBriefing;
}

/** Select and sign: the per-reader work of a briefing, or null when there is nothing new for this reader. */
export async function briefingContent(
  deps: ComposeDeps,
  subscriber: Subscriber,
  editionId: string,
  sentAt: Date,
  sourceTitles?: SourceTitles,
): Promise<BriefingContent | null> {
  const selection = await selectArticles(deps.db, subscriber, deps.config.BRIEFING_SIZE, {
    config: deps.config,
    now: sentAt,
  });
  if (selection.ranked.length === 0) return null;
  const draft = briefingDraft(subscriber, editionId, sentAt, selection, sourceTitles ?? (await loadSourceTitles(deps.db)));
  return signedContent(draft, await briefingProps(draft.record, { baseUrl: deps.config.PUBLIC_BASE_URL, signer: deps.signer }));
}

/** A briefing before its links are signed: what the reader is sent, as stored, and its subject. */
export type BriefingDraft = Omit<BriefingContent, 'props' | 'headers'>;

/** What a reader's selection becomes, before signing (shared by one reader's path and the batch composer's). */
export function briefingDraft(
  subscriber: Subscriber,
  editionId: string,
  sentAt: Date,
  { ranked, candidates, alreadySent }: Selection,
  titles: SourceTitles,
): BriefingDraft {
  const listed = new Set(ranked.map((r) => r.article.id));
  const post = latestPost(candidates, { has: (id) => alreadySent.has(id) || listed.has(id) });
  const articles = ranked.map((r) => r.article);
  // Stored text is clipped as the email shows it: a record stays small, and the email is the same either way.
  const record: SentBriefing = {
    v: 1,
    edition: editionId,
    subscriber: subscriber.id,
    sent_at: Math.floor(sentAt.getTime() / 1000),
    label: editionLabel(sentAt, subscriber.timezone),
    preview: previewLine(articles),
    items: ranked.map(({ article, reasons }) => ({
      article: article.id,
      url: article.url,
      title: clip(article.title, EMAIL_LIMITS.title),
      summary: clip(article.summary, EMAIL_LIMITS.summary),
      source: clip(titles.get(article.source) ?? article.source, EMAIL_LIMITS.source),
      reasons: shownReasons(reasons),
    })),
    latest: post ? { article: post.id, url: post.url, title: clip(post.title, EMAIL_LIMITS.title) } : null,
  };
  return { subject: subjectLine(articles), articleIds: record.items.map((i) => i.article), record };
}

/** A draft with its links signed: what the briefing shows. */
export function signedContent(draft: BriefingDraft, { props, headers }: BriefingPropsResult): BriefingContent {
  return { ...draft, props, headers };
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
  // Stored before the email can exist, so its "view in browser" and short links work from the first second.
  const [rendered] = await Promise.all([renderer.render(content.props), saveSentBriefing(deps.db, content.record)]);
  return {
    email: briefingEmail(deps.config, subscriber, content, rendered),
    articleIds: content.articleIds,
    reasons: content.props.items.map((item) => item.reasons),
  };
}

/** The email a reader's rendered briefing goes out as (one reader's path and the batch composer alike). */
export function briefingEmail(
  config: Pick<Config, 'MAIL_FROM'>,
  subscriber: Pick<Subscriber, 'email'>,
  content: Pick<BriefingContent, 'subject' | 'headers'>,
  rendered: { html: string; text: string },
): OutgoingEmail {
  return {
    from: config.MAIL_FROM,
    to: [subscriber.email],
    subject: content.subject,
    html: rendered.html,
    text: rendered.text,
    headers: content.headers,
  };
}

/** Says what is inside: the lead story, how many more, and from how many sources. */
function subjectLine(articles: readonly Article[]): string {
  const top = articles[0]!.title;
  if (articles.length === 1) return `Your briefing: ${top}`;
  return `Your briefing: ${top}, and ${articles.length - 1} more`;
}

function previewLine(articles: readonly Article[]): string {
  const rest = articles.slice(1, 3).map((a) => a.title);
  return rest.length > 0 ? `Also: ${rest.join(' · ')}` : `${articles.length} article picked for you`;
}

const labelFormats = new Map<string, Intl.DateTimeFormat>();
/** Labels already made, by zone and instant: an edition's readers share a handful of zones and one instant. */
const labels = new Map<string, string>();

function editionLabel(at: Date, timeZone: string): string {
  const key = `${timeZone}\n${at.getTime()}`;
  let label = labels.get(key);
  if (label !== undefined) return label;
  let format = labelFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone });
    labelFormats.set(timeZone, format);
  }
  label = format.format(at);
  if (labels.size >= 1000) labels.clear();
  labels.set(key, label);
  return label;
}

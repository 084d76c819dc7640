// Every link a briefing carries, signed: article links, reader actions, the footer, the honeypot, and
// the RFC 8058 one-click unsubscribe headers.
import type { LinkKind, LinkPayload, LinkSigner } from './links';

export interface BriefingLinkContext {
  baseUrl: string;
  signer: LinkSigner;
  subscriberId: string;
  editionId: string;
  /** When the edition was sent (Unix seconds), carried in each link for bot timing; null if unknown. */
  sentAt: number | null;
}

/** The path each kind of link opens: /c/ redirects, /a/ reader actions, /preferences/ the preferences page. */
export function linkPath(kind: LinkKind): string {
  if (kind === 'article' || kind === 'honeypot') return '/c/';
  if (kind === 'preferences') return '/preferences/';
  return '/a/';
}

/** What a link of a reader's briefing carries: its destination and kind, and whose email it was in. */
export function briefingLinkPayload(
  ctx: Pick<BriefingLinkContext, 'subscriberId' | 'editionId' | 'sentAt'>,
  url: string,
  kind: LinkKind,
  article: string | null,
  position: number | null,
): LinkPayload {
  return { url, kind, article, position, subscriber: ctx.subscriberId, edition: ctx.editionId, sent_at: ctx.sentAt };
}

/** A signed link of any kind under the public base URL. */
export async function signedLink(
  ctx: BriefingLinkContext,
  url: string,
  kind: LinkKind,
  article: string | null,
  position: number | null,
): Promise<string> {
  const token = await ctx.signer.sign(briefingLinkPayload(ctx, url, kind, article, position));
  return `${ctx.baseUrl}${linkPath(kind)}${token}`;
}

/** A signed /c/ link under the public base URL. */
export async function trackedLink(
  ctx: BriefingLinkContext,
  url: string,
  kind: LinkKind,
  article: string | null,
  position: number | null,
): Promise<string> {
  return signedLink(ctx, url, kind, article, position);
}

/** Vote and bookmark links for one article (each opens a page with one button). */
export async function articleActionLinks(ctx: BriefingLinkContext, url: string, article: string, position: number | null) {
  const [up, down, bookmark] = await Promise.all(
    (['vote_up', 'vote_down', 'bookmark'] as const).map((kind) => signedLink(ctx, url, kind, article, position)),
  );
  return { voteUp: up!, voteDown: down!, bookmark: bookmark! };
}

export interface BriefingExtras {
  footerLinks: { label: string; href: string }[];
  /** A /c/ link hidden from people: any click on it is a scanner's. */
  honeypotHref: string;
  /** RFC 8058 one-click unsubscribe, for the message headers. */
  headers: { 'List-Unsubscribe': string; 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

/** Everything a briefing needs besides its article links, from its three signed links. */
export function briefingExtras(links: { preferences: string; unsubscribe: string; honeypot: string }): BriefingExtras {
  return {
    footerLinks: [
      { label: 'Preferences', href: links.preferences },
      { label: 'Unsubscribe', href: links.unsubscribe },
    ],
    honeypotHref: links.honeypot,
    headers: { 'List-Unsubscribe': `<${links.unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  };
}

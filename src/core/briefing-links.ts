// Every link a briefing carries, signed: article links now; reader actions join them here.
import type { LinkKind, LinkSigner } from './links';

export interface BriefingLinkContext {
  baseUrl: string;
  signer: LinkSigner;
  subscriberId: string;
  editionId: string;
  /** When the edition was sent (Unix seconds), carried in each link for bot timing. */
  sentAt: number;
}

/** A signed /c/ link under the public base URL. */
export async function trackedLink(ctx: BriefingLinkContext, url: string, kind: LinkKind, article: string | null, position: number | null): Promise<string> {
  const token = await ctx.signer.sign({ url, kind, article, position, subscriber: ctx.subscriberId, edition: ctx.editionId, sent_at: ctx.sentAt });
  return `${ctx.baseUrl}/c/${token}`;
}

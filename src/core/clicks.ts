// The one decision behind /c/:token: verify the link, decide where it goes, describe the click.
// The Hono route and the Node fast path are thin adapters around resolveClick.
import type { ReaderEvent } from '../contracts';
import { requestBotReasons, type BotRules, defaultBotRules } from './bots';
import type { LinkRejection, LinkSigner } from './links';

/** Link kinds that /c/ redirects; action and preference links have their own pages. */
const clickKinds = new Set(['article', 'honeypot']);

export interface ClickRequest {
  token: string;
  method: string;
  userAgent: string | null;
  ip: string | null;
}

export type ClickOutcome = { ok: true; location: string; event: ReaderEvent } | { ok: false; reason: LinkRejection | 'not_a_click_link' };

/**
 * Headers of every click redirect: never cached by a proxy; the destination learns our origin but never
 * the token (it names the reader). The same Referrer-Policy as the app's secureHeaders, so both adapters agree.
 */
export const clickRedirectHeaders = { 'Cache-Control': 'private, no-store', 'Referrer-Policy': 'strict-origin' } as const;

/** Verify a click token; for a good one, the destination and the event to record (flagged if automated). */
export async function resolveClick(signer: LinkSigner, request: ClickRequest, now: Date, rules: BotRules = defaultBotRules): Promise<ClickOutcome> {
  const verified = await signer.verify(request.token);
  if (!verified.ok) return verified;
  const link = verified.payload;
  if (!clickKinds.has(link.kind)) return { ok: false, reason: 'not_a_click_link' };
  const nowMs = now.getTime();
  const secondsSinceSend = link.sent_at === null ? null : Math.max(0, Math.round(nowMs - link.sent_at * 1000) / 1000);
  const reasons = requestBotReasons({ method: request.method, userAgent: request.userAgent, secondsSinceSend }, rules);
  return {
    ok: true,
    // The URL's own serialisation: percent-encoded, so it is always a valid Location header.
    location: new URL(link.url).href,
    event: {
      type: 'click',
      subscriber_id: link.subscriber,
      edition_id: link.edition,
      article_id: link.article,
      kind: link.kind,
      position: link.position,
      url: link.url,
      at: now.toISOString(),
      method: request.method,
      user_agent: request.userAgent,
      ip: request.ip,
      seconds_since_send: secondsSinceSend,
      suspected_bot: reasons.length > 0,
      bot_reasons: reasons,
    },
  };
}

// The one decision behind /c/:token: given a verified link, decide where it goes and describe the click.
// The Hono route (any runtime) and the Node fast path are thin adapters around decideClick.
import type { ReaderEvent } from '../../contracts';
import type { ClickBudget } from './click-budget';
import { requestBotReasons, type BotRules, defaultBotRules } from './bots';
import { linkEvent, MAX_HEADER_VALUE, secondsSinceSend, type LinkRequest } from './link-events';
import type { LinkRejection, LinkSigner, VerifyResult } from './links';

/** Link kinds that /c/ redirects; action and preference links have their own pages. */
const clickKinds = new Set(['article', 'honeypot']);

export interface ClickRequest extends LinkRequest {
  token: string;
}

/** `event` is null when the link has used up its events for the minute (the redirect happens all the same). */
export type ClickOutcome =
  { ok: true; location: string; event: ReaderEvent | null } | { ok: false; reason: LinkRejection | 'not_a_click_link' };

/**
 * Headers of every click redirect: never cached by a proxy; the destination learns our origin but never
 * the token (it names the reader). The same Referrer-Policy as the app's secureHeaders, so both adapters agree.
 */
export const clickRedirectHeaders = { 'Cache-Control': 'private, no-store', 'Referrer-Policy': 'strict-origin' } as const;

/** Verify a click token and decide (any runtime). */
export async function resolveClick(
  signer: LinkSigner,
  request: ClickRequest,
  now: Date,
  budget: ClickBudget | null,
  rules: BotRules = defaultBotRules,
): Promise<ClickOutcome> {
  return decideClick(await signer.verify(request.token), request, now, budget, rules);
}

/** For a verified link: the destination and the event to record (flagged if automated), or why not. */
export function decideClick(
  verified: VerifyResult,
  given: ClickRequest,
  now: Date,
  budget: ClickBudget | null,
  rules: BotRules = defaultBotRules,
): ClickOutcome {
  if (!verified.ok) return verified;
  // A header value is judged and kept at most MAX_HEADER_VALUE long (the bot check caches agents it has seen).
  const request =
    given.userAgent !== null && given.userAgent.length > MAX_HEADER_VALUE
      ? { ...given, userAgent: given.userAgent.slice(0, MAX_HEADER_VALUE) }
      : given;
  const link = verified.payload;
  if (!clickKinds.has(link.kind)) return { ok: false, reason: 'not_a_click_link' };
  // Signing stores the URL's own serialisation (percent-encoded, a valid Location header); a link made
  // before that with a raw character in it is serialised here (verify refused any URL that cannot be parsed).
  const location = /^[\x21-\x7e]+$/.test(link.url) ? link.url : new URL(link.url).href;
  // One link fetched in a loop keeps redirecting, but adds at most the budget's events a minute.
  if (budget && !budget.take(request.token, now.getTime())) return { ok: true, location, event: null };
  const since = secondsSinceSend(link, now);
  const reasons = requestBotReasons(
    { method: request.method, userAgent: request.userAgent, secondsSinceSend: since, honeypot: link.kind === 'honeypot' },
    rules,
  );
  return {
    ok: true,
    location,
    event: linkEvent('click', link, request, now, reasons),
  };
}

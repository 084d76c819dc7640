// The reader event a followed link produces: the link's own fields plus what the request said.
import type { ReaderEvent, ReaderEventType } from '../../contracts';
import type { LinkPayload } from './links';

export interface LinkRequest {
  method: string;
  userAgent: string | null;
  ip: string | null;
}

/** Longest header value kept in an event: a User-Agent is rarely over 300 characters; anything longer is cut, not stored whole. */
export const MAX_HEADER_VALUE = 512;

function capped(value: string | null, max: number): string | null {
  return value !== null && value.length > max ? value.slice(0, max) : value;
}

/** Seconds since the email carrying the link was sent (millisecond precision), or null if unknown. */
export function secondsSinceSend(link: LinkPayload, now: Date): number | null {
  return link.sent_at === null ? null : Math.max(0, Math.round(now.getTime() - link.sent_at * 1000) / 1000);
}

/** Describe what happened through a link; `botReasons` empty means it looked like a person. */
export function linkEvent(type: ReaderEventType, link: LinkPayload, request: LinkRequest, now: Date, botReasons: string[]): ReaderEvent {
  return {
    type,
    subscriber_id: link.subscriber,
    edition_id: link.edition,
    article_id: link.article,
    kind: link.kind,
    position: link.position,
    url: link.url,
    at: now.toISOString(),
    method: request.method,
    user_agent: capped(request.userAgent, MAX_HEADER_VALUE),
    // An address is at most 45 characters (IPv6 with IPv4 tail); more is a forged X-Forwarded-For entry.
    ip: capped(request.ip, 64),
    seconds_since_send: secondsSinceSend(link, now),
    suspected_bot: botReasons.length > 0,
    bot_reasons: botReasons,
  };
}

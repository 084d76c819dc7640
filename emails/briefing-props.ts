// From what a reader was sent (the stored record) to the template's props with every link signed. The sender and
// "view in browser" both go through here, so the web shows the email exactly as it was sent.
import type { SentBriefing } from '../src/contracts';
import { briefingExtras, briefingLinkPayload, linkPath, type BriefingExtras } from '../src/core/links/briefing-links';
import { briefingHandle, type CompactSlot } from '../src/core/links/compact-links';
import type { LinkKind, LinkSigner } from '../src/core/links/links';
import { signLinksWith, type LinkToSign } from '../src/core/links/sign-links';
import type { BriefingProps } from './briefing';

export interface BriefingPropsResult {
  props: BriefingProps;
  /** RFC 8058 one-click unsubscribe headers for the message. */
  headers: BriefingExtras['headers'];
}

/** A briefing's links, listed to be signed, and how its props are made once their tokens are back (in the same order). */
export interface BriefingLinkPlan {
  links: LinkToSign[];
  props(tokens: readonly string[]): BriefingPropsResult;
}

/** Sign every link of a sent briefing (deterministic: the same record and keys give the same links). */
export async function briefingProps(
  record: SentBriefing,
  site: { baseUrl: string; signer: LinkSigner },
  /** The record's handle when the caller has it already (briefingHandle(record.edition, record.subscriber)). */
  knownHandle?: string,
): Promise<BriefingPropsResult> {
  const plan = briefingLinkPlan(record, site.baseUrl, knownHandle ?? (await briefingHandle(record.edition, record.subscriber)));
  return plan.props(await signLinksWith(site.signer)(plan.links));
}

/** Every link a sent briefing carries, to be signed by whoever signs (here, or a batch's signing thread). */
export function briefingLinkPlan(record: SentBriefing, baseUrl: string, handle: string): BriefingLinkPlan {
  const links: LinkToSign[] = [];
  const paths: string[] = [];
  const reader = { subscriberId: record.subscriber, editionId: record.edition, sentAt: record.sent_at };
  /** A full token (its destination inside), under the path its kind opens; answers the link's place in the list. */
  const token = (kind: LinkKind, url: string, article: string | null, position: number | null) => {
    links.push({ payload: briefingLinkPayload(reader, url, kind, article, position) });
    paths.push(linkPath(kind));
    return links.length - 1;
  };
  /** A compact link naming a place in this stored briefing (/l/ in the text part, /v/ "view in browser"). */
  const compact = (path: '/l/' | '/v/', slot: CompactSlot) => {
    links.push({ compact: { handle, slot } });
    paths.push(path);
    return links.length - 1;
  };

  const items = record.items.map((item, position) => ({
    item,
    href: token('article', item.url, item.article, position),
    textHref: compact('/l/', { kind: 'article', position }),
    voteUp: token('vote_up', item.url, item.article, position),
    voteDown: token('vote_down', item.url, item.article, position),
    bookmark: token('bookmark', item.url, item.article, position),
  }));
  const extras = {
    preferences: token('preferences', baseUrl, null, null),
    unsubscribe: token('unsubscribe', baseUrl, null, null),
    honeypot: token('honeypot', baseUrl, null, null),
  };
  const latest = record.latest
    ? {
        title: record.latest.title,
        href: token('article', record.latest.url, record.latest.article, null),
        textHref: compact('/l/', { kind: 'latest' }),
      }
    : null;
  const view = compact('/v/', { kind: 'view' });
  const textPreferences = compact('/l/', { kind: 'preferences' });
  const textUnsubscribe = compact('/l/', { kind: 'unsubscribe' });

  return {
    links,
    props(tokens) {
      if (tokens.length !== links.length) throw new Error(`expected ${links.length} signed links, got ${tokens.length}`);
      const href = (i: number) => `${baseUrl}${paths[i]}${tokens[i]}`;
      const { footerLinks, honeypotHref, headers } = briefingExtras({
        preferences: href(extras.preferences),
        unsubscribe: href(extras.unsubscribe),
        honeypot: href(extras.honeypot),
      });
      return {
        props: {
          editionLabel: record.label,
          preview: record.preview,
          items: items.map((at) => ({
            title: at.item.title,
            summary: at.item.summary,
            source: at.item.source,
            reasons: at.item.reasons,
            href: href(at.href),
            textHref: href(at.textHref),
            actions: { voteUp: href(at.voteUp), voteDown: href(at.voteDown), bookmark: href(at.bookmark) },
          })),
          latestPost: latest ? { title: latest.title, href: href(latest.href), textHref: href(latest.textHref) } : null,
          footerLinks,
          textLinks: [
            { label: 'Preferences (topics, sources, what Tidings has learned)', href: href(textPreferences) },
            { label: 'Unsubscribe', href: href(textUnsubscribe) },
          ],
          honeypotHref,
          viewHref: href(view),
        },
        headers,
      };
    },
  };
}

// From what a reader was sent (the stored record) to the template's props with every link signed. The sender and
// "view in browser" both go through here, so the web shows the email exactly as it was sent.
import type { SentBriefing } from '../src/contracts';
import {
  articleActionLinks,
  briefingExtras,
  trackedLink,
  type BriefingExtras,
  type BriefingLinkContext,
} from '../src/core/links/briefing-links';
import { briefingHandle, signCompact, type CompactSlot } from '../src/core/links/compact-links';
import type { LinkSigner } from '../src/core/links/links';
import type { BriefingProps } from './briefing';

export interface BriefingPropsResult {
  props: BriefingProps;
  /** RFC 8058 one-click unsubscribe headers for the message. */
  headers: BriefingExtras['headers'];
}

/** Sign every link of a sent briefing (deterministic: the same record and keys give the same links). */
export async function briefingProps(
  record: SentBriefing,
  site: { baseUrl: string; signer: LinkSigner },
  /** The record's handle when the caller has it already (briefingHandle(record.edition, record.subscriber)). */
  knownHandle?: string,
): Promise<BriefingPropsResult> {
  const links: BriefingLinkContext = {
    baseUrl: site.baseUrl,
    signer: site.signer,
    subscriberId: record.subscriber,
    editionId: record.edition,
    sentAt: record.sent_at,
  };
  const handle = knownHandle ?? (await briefingHandle(record.edition, record.subscriber));
  const short = async (path: '/l/' | '/v/', slot: CompactSlot) =>
    `${site.baseUrl}${path}${await signCompact(site.signer, { handle, slot })}`;
  const [items, extras, latestPost, viewHref, preferences, unsubscribe] = await Promise.all([
    Promise.all(
      record.items.map(async (item, position) => ({
        title: item.title,
        summary: item.summary,
        source: item.source,
        reasons: item.reasons,
        href: await trackedLink(links, item.url, 'article', item.article, position),
        textHref: await short('/l/', { kind: 'article', position }),
        actions: await articleActionLinks(links, item.url, item.article, position),
      })),
    ),
    briefingExtras(links),
    record.latest
      ? Promise.all([trackedLink(links, record.latest.url, 'article', record.latest.article, null), short('/l/', { kind: 'latest' })]).then(
          ([href, textHref]) => ({ title: record.latest!.title, href, textHref }),
        )
      : null,
    short('/v/', { kind: 'view' }),
    short('/l/', { kind: 'preferences' }),
    short('/l/', { kind: 'unsubscribe' }),
  ]);
  return {
    props: {
      editionLabel: record.label,
      preview: record.preview,
      items,
      latestPost,
      footerLinks: extras.footerLinks,
      textLinks: [
        { label: 'Preferences (topics, sources, what Tidings has learned)', href: preferences },
        { label: 'Unsubscribe', href: unsubscribe },
      ],
      honeypotHref: extras.honeypotHref,
      viewHref,
    },
    headers: extras.headers,
  };
}

// The email's own short links. GET /v/:token shows that very briefing in the browser (no sign-in needed);
// GET and HEAD /l/:token are the text part's short links (an article, the latest post, preferences,
// unsubscribe), each resolved with one read of the stored briefing.
import { Hono, type Context } from 'hono';
import { briefingProps } from '../../../emails/briefing-props';
import { naiveBriefingRenderer } from '../../../emails/fast-briefing';
import type { SentBriefing } from '../../contracts';
import type { AppDeps } from '../../deps';
import { signedLink } from '../../core/links/briefing-links';
import { clickRedirectHeaders, decideClick } from '../../core/links/clicks';
import { verifyCompact, type CompactLink } from '../../core/links/compact-links';
import type { LinkPayload } from '../../core/links/links';
import { getSentBriefing, SENT_BRIEFING_TTL_SECONDS } from '../../store/sent-briefings';
import { BadLinkPage } from '../clicks';
import { clientIp } from '../client-ip';
import { MessagePage } from '../layout';

const keptDays = Math.round(SENT_BRIEFING_TTL_SECONDS / 86_400);

export function sentBriefingRoutes(deps: AppDeps) {
  const site = { baseUrl: deps.config.PUBLIC_BASE_URL, signer: deps.signer };

  /** The verified link and the briefing it names, or the page that says why not. */
  const open = async (
    c: Context,
    accept: (link: CompactLink) => boolean,
  ): Promise<{ link: CompactLink; record: SentBriefing } | Response> => {
    c.header('Cache-Control', 'private, no-store');
    const link = await verifyCompact(deps.signer, c.req.param('token') ?? '');
    if (!link || !accept(link)) return c.html(<BadLinkPage />, 400);
    let record: SentBriefing | null;
    try {
      record = await getSentBriefing(deps.db, link.handle);
    } catch (error) {
      deps.log.warn({ err: error instanceof Error ? error.message : String(error) }, 'sent briefing unavailable');
      return c.html(
        <MessagePage
          title="We can't open this briefing right now"
          message="Our storage did not answer, so we cannot tell where this link goes."
          next="Try again in a minute. The links in the email's full (HTML) version keep working meanwhile."
        />,
        503,
      );
    }
    if (!record) {
      return c.html(
        <MessagePage
          title="This briefing is no longer kept"
          message={`We keep each briefing for ${keptDays} days after sending, for this link and the short links in its text version.`}
          next={
            <>
              The links in the email's full (HTML) version keep working. <a href="/">Go to the start page</a> for your latest briefing.
            </>
          }
        />,
        410,
      );
    }
    return { link, record };
  };

  return new Hono()
    .get('/v/:token', async (c) => {
      const opened = await open(c, (link) => link.slot.kind === 'view');
      if (opened instanceof Response) return opened;
      const { props } = await briefingProps(opened.record, site);
      // The email as sent, from the same record and renderer; only its "View in browser" link would point here.
      const { html } = await naiveBriefingRenderer.render({ ...props, viewHref: undefined });
      c.header('X-Robots-Tag', 'noindex');
      return c.html(html);
    })
    .get('/l/:token', async (c) => {
      const opened = await open(c, (link) => link.slot.kind !== 'view');
      if (opened instanceof Response) return opened;
      const { link, record } = opened;
      const ctx = {
        baseUrl: site.baseUrl,
        signer: deps.signer,
        subscriberId: record.subscriber,
        editionId: record.edition,
        sentAt: record.sent_at,
      };
      // Preferences and unsubscribe go on to their signed pages, which show a button and change nothing on a GET.
      if (link.slot.kind === 'preferences' || link.slot.kind === 'unsubscribe')
        return c.redirect(await signedLink(ctx, site.baseUrl, link.slot.kind, null, null), 302);
      const target = link.slot.kind === 'article' ? record.items[link.slot.position] : record.latest;
      if (!target) return c.html(<BadLinkPage />, 400);
      const payload: LinkPayload = {
        url: target.url,
        subscriber: record.subscriber,
        edition: record.edition,
        article: target.article,
        position: link.slot.kind === 'article' ? link.slot.position : null,
        kind: 'article',
        sent_at: record.sent_at,
      };
      // The same decision and event as the full /c/ link of this article, so a text-part click teaches the same.
      // The short link's own path is its budget key: one link fetched in a loop adds a bounded number of events.
      const request = {
        token: c.req.path,
        method: c.req.method,
        userAgent: c.req.header('user-agent') ?? null,
        ip: clientIp(c, deps.config),
      };
      const outcome = decideClick({ ok: true, payload, keyId: '' }, request, deps.now(), deps.clickBudget ?? null);
      if (!outcome.ok) return c.html(<BadLinkPage />, 400);
      if (outcome.event) deps.recorder.record(outcome.event);
      for (const [name, value] of Object.entries(clickRedirectHeaders)) c.header(name, value);
      return c.redirect(outcome.location, 302);
    });
}

// /a/:token: reader actions from an email (vote, bookmark, unsubscribe). GET and HEAD show a page and
// change nothing (mail scanners fetch every link); a POST from its button acts; RFC 8058 one-click
// unsubscribe POSTs act at once without a page.
import { Hono, type Context } from 'hono';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import type { ReaderEventType } from '../../contracts';
import type { AppDeps } from '../../deps';
import type { LinkPayload } from '../../core/links/links';
import { linkEvent } from '../../core/links/link-events';
import { maskEmail } from '../../core/auth/mask';
import { getArticle } from '../../store/articles';
import { isActionKind, setAction, actionActive, type ActionKind } from '../../store/reader-actions';
import { getSubscriber } from '../../store/subscribers';
import { clientIp } from '../client-ip';
import { BadLinkPage } from '../clicks';
import { MessagePage } from '../layout';
import { readForm } from '../form';
import { ActionPromptPage, ActionResultPage } from './actions.page';

type ActionLink = LinkPayload & { kind: ActionKind };

export function actionRoutes(deps: AppDeps) {
  const publicOrigin = new URL(deps.config.PUBLIC_BASE_URL).origin;
  // The form is served by this app, so its POST carries our Origin (or Sec-Fetch-Site: same-origin).
  const checkCsrf = csrf({ origin: (origin, c) => origin === publicOrigin || origin === new URL(c.req.url).origin });

  const verify = async (c: Context): Promise<ActionLink | null> => {
    const verified = await deps.signer.verify(c.req.param('token') ?? '');
    if (!verified.ok || !isActionKind(verified.payload.kind)) return null;
    return verified.payload as ActionLink;
  };

  // A person pressed the button (a POST), so the event carries no bot flags.
  const record = (c: Context, link: ActionLink, type: ReaderEventType) =>
    deps.recorder.record(
      linkEvent(
        type,
        link,
        { method: c.req.method, userAgent: c.req.header('user-agent') ?? null, ip: clientIp(c, deps.config) },
        deps.now(),
        [],
      ),
    );

  const badLink = (c: Context) => {
    c.header('Cache-Control', 'no-store');
    return c.html(<BadLinkPage />, 400);
  };

  // A deleted account's old emails still carry signed links: they act on nothing and store nothing.
  const goneReader = (c: Context) =>
    c.html(
      <MessagePage
        title="This subscription no longer exists"
        message="The address this email was sent to was removed from Tidings, with everything Tidings held about it, so there is nothing to change here."
        next={<a href="/">Subscribe again</a>}
      />,
      404,
    );

  /** What the reader acts on, in words: the article's title and site, or for unsubscribing, whose briefings. */
  const subjectOf = async (link: ActionLink, email: string): Promise<string> => {
    if (link.kind === 'unsubscribe') return `Briefings to ${maskEmail(email)}`;
    const article = link.article ? await getArticle(deps.db, link.article) : null;
    const site = hostOf(link.url);
    return article ? `${article.title} (${site})` : link.url;
  };

  return new Hono()
    .get('/a/:token', async (c) => {
      const link = await verify(c);
      if (!link) return badLink(c);
      c.header('Cache-Control', 'private, no-store');
      const reader = await getSubscriber(deps.db, link.subscriber);
      if (!reader) return goneReader(c);
      const [subject, active] = await Promise.all([subjectOf(link, reader.email), actionActive(deps.db, link)]);
      return c.html(<ActionPromptPage kind={link.kind} action={c.req.path} subject={subject} active={active} />);
    })
    .post('/a/:token', async (c) => {
      const link = await verify(c);
      if (!link) return badLink(c);
      c.header('Cache-Control', 'private, no-store');
      const form = await readForm(c);
      const reader = await getSubscriber(deps.db, link.subscriber);
      if (link.kind === 'unsubscribe' && form['List-Unsubscribe'] === 'One-Click') {
        // RFC 8058: the mail client posts this without cookies or Origin; act at once, answer 200, no redirect.
        // A deleted reader gets nothing more either way.
        if (!reader) return c.text('You are unsubscribed from Tidings.\n', 200);
        const result = await setAction(deps.db, link, false);
        if (result.event) record(c, link, result.event);
        return c.text('You are unsubscribed from Tidings.\n', 200);
      }
      try {
        await checkCsrf(c, async () => {});
      } catch (error) {
        if (!(error instanceof HTTPException)) throw error;
        return c.html(
          <MessagePage
            title="This form came from somewhere else"
            message="We only accept this button from our own page, so nothing was changed."
            next={<a href={c.req.path}>Open the page again and press the button there</a>}
          />,
          403,
        );
      }
      if (!reader) return goneReader(c);
      const undo = form.do === 'undo';
      const result = await setAction(deps.db, link, undo);
      if (result.event) record(c, link, result.event);
      // Pressed on the reader's web briefing: back to where they were, one press in all.
      const back = localPath(form.back);
      if (back) return c.redirect(back, 303);
      return c.html(
        <ActionResultPage kind={link.kind} action={c.req.path} subject={await subjectOf(link, reader.email)} active={result.active} />,
      );
    });
}

/** A path on this site to go back to, never another host (`//evil`, `/\\evil`) or a scheme. */
function localPath(value: string | undefined): string | null {
  if (!value || value.length > 300) return null;
  return /^\/(?![/\\])[^\s\\]*$/.test(value) ? value : null;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

// GET and HEAD /c/:token: the signed, tracked redirect behind every link in a briefing.
import { Hono } from 'hono';
import type { AppDeps } from '../../deps';
import { MessagePage } from '../layout';

export function clickRoutes(deps: AppDeps) {
  return new Hono().get('/c/:token', async (c) => {
    const verified = await deps.signer.verify(c.req.param('token'));
    if (!verified.ok) {
      c.header('Cache-Control', 'no-store');
      return c.html(
        <MessagePage
          title="This link doesn't work"
          message="The link you followed is incomplete or was changed after we sent it, so we can't tell where it should go."
          next="Try opening it again from the original email, or copy the whole address into your browser."
        />,
        400,
      );
    }
    const link = verified.payload;
    const now = deps.now();
    deps.recorder.record({
      type: 'click',
      subscriber_id: link.subscriber,
      edition_id: link.edition,
      article_id: link.article,
      kind: link.kind,
      position: link.position,
      url: link.url,
      at: now.toISOString(),
      method: c.req.method,
      user_agent: c.req.header('user-agent') ?? null,
      ip: null,
      seconds_since_send: link.sent_at === null ? null : Math.max(0, now.getTime() / 1000 - link.sent_at),
      suspected_bot: c.req.method === 'HEAD',
      bot_reasons: c.req.method === 'HEAD' ? ['head_request'] : [],
    });
    c.header('Cache-Control', 'private, no-store');
    c.header('Referrer-Policy', 'no-referrer');
    return c.redirect(link.url, 302);
  });
}

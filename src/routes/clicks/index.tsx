// GET and HEAD /c/:token: the signed, tracked redirect behind every link in a briefing.
import { Hono } from 'hono';
import type { AppDeps } from '../../deps';
import { clickRedirectHeaders, resolveClick } from '../../core/links/clicks';
import { createClickBudget } from '../../core/links/click-budget';
import { clientIp } from '../client-ip';
import { MessagePage } from '../layout';

export function clickRoutes(deps: AppDeps) {
  const budget = deps.clickBudget ?? createClickBudget();
  // Hono answers HEAD with this GET handler (body dropped); c.req.method still says HEAD, so it is flagged.
  return new Hono().get('/c/:token', async (c) => {
    const outcome = await resolveClick(
      deps.signer,
      { token: c.req.param('token'), method: c.req.method, userAgent: c.req.header('user-agent') ?? null, ip: clientIp(c, deps.config) },
      deps.now(),
      budget,
    );
    if (!outcome.ok) {
      c.header('Cache-Control', 'no-store');
      return c.html(<BadLinkPage />, 400);
    }
    if (outcome.event) deps.recorder.record(outcome.event);
    for (const [name, value] of Object.entries(clickRedirectHeaders)) c.header(name, value);
    return c.redirect(outcome.location, 302);
  });
}

export function BadLinkPage() {
  return (
    <MessagePage
      title="This link doesn't work"
      message="The link you followed is incomplete or was changed after we sent it, so we can't tell where it should go."
      next="Try opening it again from the original email, or copy the whole address into your browser."
    />
  );
}

// POST /subscribe: keep the form's choices until the magic link is used, and send that link (the confirmation).
// The answer is the same whether or not the address is known; nothing is sent but the link.
import { Hono } from 'hono';
import type { AppDeps } from '../../deps';
import { savePendingSignup } from '../../store/signups';
import { recentTopicCounts } from '../../store/topics';
import { csrfGuard, signInProvider } from '../auth/http';
import { sendSignInLink } from '../auth/send-link';
import { SubscribePage } from './subscribe.page';
import { readSignupForm } from './signup-form';

/** The form's defaults: a morning briefing every day; the browser fills in the zone. */
export const signupDefaults = { email: '', topics: [] as string[], timezone: 'UTC', frequency: 'daily', weekday: 1, delivery_hour: 7 };

export function subscribeRoutes(deps: AppDeps) {
  const app = new Hono();
  const provider = signInProvider(deps);
  app.post('/subscribe', csrfGuard(deps));
  app.post('/subscribe', async (c) => {
    const topics = await recentTopicCounts(deps.db);
    const form = readSignupForm(await c.req.parseBody({ all: true }), new Set(topics.map((t) => t.topic)));
    if (!form.ok) {
      return c.html(
        <SubscribePage topics={topics} values={form.raw} detect={false} problems={form.problems} devNote={deps.config.usesDevOutbox} />,
        400,
      );
    }
    // Kept a little longer than the link lives, so a link pressed in its last second still finds the choices.
    await savePendingSignup(
      deps.db,
      form.email,
      { ...form.settings, topics: form.topics, requested_at: deps.now().toISOString() },
      deps.config.AUTH_LINK_TTL_SECONDS + 600,
    );
    return sendSignInLink(c, deps, provider, { email: form.email, next: '/?welcome=1', intent: 'subscribe' }, (problem) => (
      <SubscribePage
        topics={topics}
        values={{ ...form.settings, email: form.email, topics: form.topics }}
        detect={false}
        problems={{ email: problem }}
      />
    ));
  });
  return app;
}

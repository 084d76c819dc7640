// POST /subscribe: keep the form's choices until the magic link is used, and send that link (the confirmation).
// The answer is the same whether or not the address is known; nothing is sent but the link.
import { Hono } from 'hono';
import { sendTimes, type SendTimes } from '../../core/schedule/send-times';
import type { AppDeps } from '../../deps';
import { listSchedules } from '../../store/schedules';
import { savePendingSignup } from '../../store/signups';
import { recentTopicCounts, type TopicCount } from '../../store/topics';
import { csrfGuard, signInProvider } from '../auth/http';
import { sendSignInLink } from '../auth/send-link';
import { SubscribePage } from './subscribe.page';
import { readSignupForm } from './signup-form';

/** The form's defaults: a morning briefing every day; the browser fills in the zone. */
export const signupDefaults = { email: '', topics: [] as string[], timezone: 'UTC', frequency: 'daily', weekday: 1, delivery_hour: 7 };

/** What the subscribe form offers: the topics with recent articles, and when editions go out (the reader's zone is not known yet). */
export async function subscribeChoices(deps: AppDeps): Promise<{ topics: TopicCount[]; sendTimes: SendTimes }> {
  const [topics, schedules] = await Promise.all([recentTopicCounts(deps.db), listSchedules(deps.db)]);
  return { topics, sendTimes: sendTimes(schedules, null, deps.now()) };
}

export function subscribeRoutes(deps: AppDeps) {
  const app = new Hono();
  const provider = signInProvider(deps);
  app.post('/subscribe', csrfGuard(deps));
  app.post('/subscribe', async (c) => {
    const { topics, sendTimes } = await subscribeChoices(deps);
    const form = readSignupForm(await c.req.parseBody({ all: true }), new Set(topics.map((t) => t.topic)));
    if (!form.ok) {
      return c.html(
        <SubscribePage
          topics={topics}
          values={form.raw}
          detect={false}
          sendTimes={sendTimes}
          problems={form.problems}
          devNote={deps.config.usesDevOutbox}
        />,
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
        sendTimes={sendTimes}
        problems={{ email: problem }}
      />
    ));
  });
  return app;
}

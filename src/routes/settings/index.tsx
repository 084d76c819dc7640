// /settings: frequency, delivery hour, time zone, pause until a date, unsubscribe and resubscribe, by session;
// /preferences: the email's signed preferences page, reached by session too.
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { deliverySettingsSchema, readerEventSchema, type Subscriber } from '../../contracts';
import { localTime } from '../../core/schedule/schedule-time';
import { sendTimes } from '../../core/schedule/send-times';
import { listSchedules } from '../../store/schedules';
import type { AppDeps } from '../../deps';
import { ensureSubscriber, saveSubscriber } from '../../store/subscribers';
import { csrfGuard, readForm } from '../auth/http';
import { currentReader, signInFirst, type Reader } from '../reader-session';
import type { ViewerEnv } from '../viewer';
import { SettingsPage, type SettingsPageProps } from './settings.page';

const notices: Record<string, string> = {
  saved: 'Saved. Your next briefing follows the new settings.',
  paused: 'Paused. Nothing is sent until the date you chose.',
  resumed: 'Resumed. Your briefings start again with the next edition.',
  unsubscribed: 'You are unsubscribed. No more briefings will be sent.',
  resubscribed: 'You are subscribed again. Briefings resume with the next edition.',
};

const untilField = z.iso.date({ error: 'must be a date such as 2026-12-24' });

export function settingsRoutes(deps: AppDeps) {
  const app = new Hono<ViewerEnv>();
  for (const path of ['/settings', '/settings/*']) {
    app.use(path, async (c, next) => {
      await next();
      c.header('Cache-Control', 'private, no-store');
    });
    app.post(path, csrfGuard(deps));
  }
  const today = (s: Subscriber) => localTime(deps.now(), s.timezone).date;

  /** The settings page for this reader, with when their briefing really goes out. */
  async function page(s: Subscriber, notice: string | null, problems?: Record<string, string>, typed?: SettingsPageProps['typed']) {
    const times = sendTimes(await listSchedules(deps.db), s.timezone, deps.now());
    return <SettingsPage subscriber={s} today={today(s)} notice={notice} sendTimes={times} problems={problems} typed={typed} />;
  }

  /** The signed-in subscriber, or the response that takes the visitor where they can be one. */
  async function subscriberOf(c: Context<ViewerEnv>): Promise<{ reader: Reader; subscriber: Subscriber } | Response> {
    const reader = await currentReader(c, deps);
    if (!reader) return signInFirst(c);
    if (!reader.subscriber) return c.redirect('/', 303);
    return { reader, subscriber: reader.subscriber };
  }

  async function update(c: Context<ViewerEnv>, change: (s: Subscriber) => Subscriber, done: keyof typeof notices) {
    const who = await subscriberOf(c);
    if (who instanceof Response) return who;
    await saveSubscriber(deps.db, change(who.subscriber));
    deps.log.info({ subscriber: who.subscriber.id, change: done }, 'reader changed their settings');
    return c.redirect(`/settings?done=${done}`, 303);
  }

  app.get('/settings', async (c) => {
    const who = await subscriberOf(c);
    if (who instanceof Response) return who;
    return c.html(await page(who.subscriber, notices[c.req.query('done') ?? ''] ?? null));
  });

  app.post('/settings', async (c) => {
    const who = await subscriberOf(c);
    if (who instanceof Response) return who;
    const parsed = deliverySettingsSchema.safeParse(await readForm(c));
    if (!parsed.success) {
      const problems = Object.fromEntries(
        parsed.error.issues.map((i) => [String(i.path[0]), `${String(i.path[0]).replace('_', ' ')} ${i.message}`]),
      );
      return c.html(await page(who.subscriber, null, problems), 400);
    }
    return update(c, (s) => ({ ...s, ...parsed.data }), 'saved');
  });

  app.post('/settings/pause', async (c) => {
    const who = await subscriberOf(c);
    if (who instanceof Response) return who;
    const typed = String((await readForm(c)).until ?? '');
    const until = untilField.safeParse(typed);
    if (!until.success || until.data <= today(who.subscriber)) {
      const problem = until.success
        ? `Pause until a day after today (${today(who.subscriber)}): briefings start again on that date.`
        : 'Choose a date such as 2026-12-24.';
      return c.html(await page(who.subscriber, null, { until: problem }, { until: typed.slice(0, 10) }), 400);
    }
    return update(c, (s) => ({ ...s, paused_until: until.data }), 'paused');
  });

  app.post('/settings/resume', (c) => update(c, (s) => ({ ...s, paused_until: null }), 'resumed'));

  app.post('/settings/unsubscribe', async (c) => {
    const who = await subscriberOf(c);
    if (who instanceof Response) return who;
    if (who.subscriber.status === 'active') record(who.subscriber.id, 'unsubscribe');
    return update(c, (s) => ({ ...s, status: s.status === 'suppressed' ? 'suppressed' : 'unsubscribed' }), 'unsubscribed');
  });

  // Also makes a subscriber of someone who signed in without one (their address is confirmed by signing in).
  app.post('/settings/resubscribe', async (c) => {
    const reader = await currentReader(c, deps);
    if (!reader) return signInFirst(c);
    const { subscriber, created } = reader.subscriber
      ? { subscriber: reader.subscriber, created: false }
      : await ensureSubscriber(deps.db, { email: reader.session.email }, deps.now());
    if (!created && subscriber.status === 'unsubscribed') {
      await saveSubscriber(deps.db, { ...subscriber, status: 'active' });
      record(subscriber.id, 'resubscribed');
    }
    return c.redirect('/settings?done=resubscribed', 303);
  });

  // The preferences page behind the email's signed link, for a signed-in reader: a fresh signed link of their own.
  app.get('/preferences', async (c) => {
    const who = await subscriberOf(c);
    if (who instanceof Response) return who;
    const token = await deps.signer.sign({
      url: deps.config.PUBLIC_BASE_URL,
      kind: 'preferences',
      article: null,
      position: null,
      subscriber: who.subscriber.id,
      edition: 'web',
      sent_at: null,
    });
    return c.redirect(`/preferences/${token}`, 303);
  });

  function record(subscriberId: string, type: 'unsubscribe' | 'resubscribed') {
    deps.recorder.record(
      readerEventSchema.parse({ type, subscriber_id: subscriberId, edition_id: 'web', at: deps.now().toISOString(), method: 'POST' }),
    );
  }

  return app;
}

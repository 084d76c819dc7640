// /preferences/:token: the reader sees what Tidings learned and corrects it (drop a topic, mute a
// source). The token is a signed link of kind `preferences`; every change is a CSRF-checked POST.
import { Hono, type Context } from 'hono';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import type { Subscriber } from '../../contracts';
import { summariseProfile } from '../../core/interest/profile-summary';
import type { AppDeps } from '../../deps';
import { getPrefs, getProfile, savePrefs, type ReaderPrefs } from '../../store/interest';
import { loadSourceTitles } from '../../store/sources';
import { getSubscriber, saveSubscriber } from '../../store/subscribers';
import { MessagePage } from '../layout';
import { readForm } from '../form';
import { PreferencesPage } from './preferences.page';

const TOPIC = /^[\p{L}\p{N}][\p{L}\p{N} ._&+-]{0,59}$/u;
/** Topics a reader already has may be dropped or restored whatever they contain (an import or a feed put them there). */
const KNOWN_TOPIC_MAX = 200;
const SOURCE = /^[a-z0-9][a-z0-9-]{0,63}$/;

type Change = (s: { subscriber: Subscriber; prefs: ReaderPrefs }, value: string) => { subscriber?: Subscriber; prefs?: ReaderPrefs };

/** Each change the page offers; the notice is rebuilt from the change's name, never taken from the URL. */
const changes: Record<string, { field: 'topic' | 'source'; apply: Change; notice: (value: string) => string; anyKnown?: boolean }> = {
  'topics/drop': {
    field: 'topic',
    anyKnown: true,
    apply: ({ subscriber, prefs }, topic) => ({
      subscriber: { ...subscriber, topics: subscriber.topics.filter((t) => t !== topic) },
      prefs: { ...prefs, muted_topics: [...prefs.muted_topics, topic] },
    }),
    notice: (topic) => `Dropped "${topic}": articles about it stay out of your briefings.`,
  },
  'topics/restore': {
    field: 'topic',
    anyKnown: true,
    apply: ({ prefs }, topic) => ({ prefs: { ...prefs, muted_topics: prefs.muted_topics.filter((t) => t !== topic) } }),
    notice: (topic) => `"${topic}" is no longer muted.`,
  },
  'topics/follow': {
    field: 'topic',
    apply: ({ subscriber, prefs }, topic) => ({
      subscriber: { ...subscriber, topics: [...new Set([...subscriber.topics, topic])].slice(0, 50) },
      prefs: { ...prefs, muted_topics: prefs.muted_topics.filter((t) => t !== topic) },
    }),
    notice: (topic) => `You now follow "${topic}".`,
  },
  'sources/mute': {
    field: 'source',
    apply: ({ prefs }, source) => ({ prefs: { ...prefs, muted_sources: [...prefs.muted_sources, source] } }),
    notice: (source) => `Muted ${source}: nothing from it reaches your briefings.`,
  },
  'sources/unmute': {
    field: 'source',
    apply: ({ prefs }, source) => ({ prefs: { ...prefs, muted_sources: prefs.muted_sources.filter((s) => s !== source) } }),
    notice: (source) => `${source} is no longer muted.`,
  },
};

export function preferencesRoutes(deps: AppDeps) {
  const app = new Hono();
  const publicOrigin = new URL(deps.config.PUBLIC_BASE_URL).origin;
  app.use('/preferences/*', async (c, next) => {
    c.header('Cache-Control', 'private, no-store');
    c.header('Referrer-Policy', 'no-referrer');
    await next();
  });
  const csrfCheck = csrf({ origin: (origin, c) => origin === publicOrigin || origin === new URL(c.req.url).origin });
  app.use('/preferences/*', async (c, next) => {
    try {
      return await csrfCheck(c, next);
    } catch (error) {
      // hono/csrf throws a 403 HTTPException; answer it with a page rather than letting onError make it a 500.
      if (!(error instanceof HTTPException && error.status === 403)) throw error;
      return c.html(
        <MessagePage
          title="This change was not accepted"
          message="The form was not sent from your Tidings preferences page, so nothing was changed."
          next="Open your preferences page from your latest briefing and press the button there."
        />,
        403,
      );
    }
  });

  /** The reader this link belongs to, or the page that explains why not. */
  async function reader(c: Context): Promise<Subscriber | Response> {
    const verified = await deps.signer.verify(c.req.param('token') ?? '');
    if (!verified.ok || verified.payload.kind !== 'preferences') {
      return c.html(
        <MessagePage
          title="This preferences link doesn't work"
          message="The link is incomplete, was changed after we sent it, or is not a preferences link."
          next="Open the preferences link at the bottom of your latest briefing, or copy the whole address into your browser."
        />,
        400,
      );
    }
    const subscriber = await getSubscriber(deps.db, verified.payload.subscriber);
    if (!subscriber) {
      return c.html(
        <MessagePage
          title="We can't find your subscription"
          message="This link belongs to a subscription that no longer exists."
          next="If you want briefings again, sign up anew."
        />,
        404,
      );
    }
    return subscriber;
  }

  /** Topics the profile learned for this reader (what the page offers as "Not interested"). */
  async function learnedTopics(subscriberId: string): Promise<string[]> {
    const summary = summariseProfile(
      await getProfile(deps.db, subscriberId),
      deps.now().getTime(),
      deps.config.INTEREST_HALF_LIFE_DAYS,
      new Map(),
    );
    return summary.topics.map((t) => t.value);
  }

  app.get('/preferences/:token', async (c) => {
    const subscriber = await reader(c);
    if (subscriber instanceof Response) return subscriber;
    const [profile, prefs, sourceTitles] = await Promise.all([
      getProfile(deps.db, subscriber.id),
      getPrefs(deps.db, subscriber.id),
      loadSourceTitles(deps.db),
    ]);
    const summary = summariseProfile(profile, deps.now().getTime(), deps.config.INTEREST_HALF_LIFE_DAYS, sourceTitles);
    const done = changes[c.req.query('done') ?? ''];
    const value = c.req.query('value') ?? '';
    // The notice repeats a value from the URL only when it passes the pattern or is a topic the reader muted.
    const shown = done && ((done.field === 'topic' ? TOPIC : SOURCE).test(value) || (done.anyKnown && prefs.muted_topics.includes(value)));
    const notice = done && shown ? done.notice(value) : null;
    return c.html(
      <PreferencesPage
        action={`/preferences/${c.req.param('token')}`}
        subscriber={subscriber}
        summary={summary}
        prefs={prefs}
        sourceTitles={sourceTitles}
        notice={notice}
      />,
    );
  });

  app.post('/preferences/:token/:group/:change', async (c) => {
    const change = changes[`${c.req.param('group')}/${c.req.param('change')}`];
    if (!change)
      return c.html(
        <MessagePage
          title="Unknown change"
          message="This form asks for a change Tidings does not know."
          next="Go back to your preferences page and use its buttons."
        />,
        404,
      );
    const subscriber = await reader(c);
    if (subscriber instanceof Response) return subscriber;
    const form = await readForm(c);
    const raw = typeof form[change.field] === 'string' ? (form[change.field] as string).trim() : '';
    const prefs = await getPrefs(deps.db, subscriber.id);
    // Dropping or restoring names a topic the reader has: matched exactly as stored, whatever characters it has.
    const known =
      change.anyKnown && raw.length <= KNOWN_TOPIC_MAX
        ? [...subscriber.topics, ...prefs.muted_topics, ...(await learnedTopics(subscriber.id))].find(
            (t) => t === raw || t === raw.toLowerCase(),
          )
        : undefined;
    const value = known ?? (change.field === 'topic' ? raw.toLowerCase() : raw);
    if (known === undefined && !(change.field === 'topic' ? TOPIC : SOURCE).test(value)) {
      const what = change.field === 'topic' ? 'A topic is 1 to 60 letters, digits, spaces or . _ & + -' : 'A source is named by its id';
      return c.html(
        <MessagePage
          title={`That ${change.field} can't be used`}
          message={`${what} (got "${raw.slice(0, 60)}").`}
          next={<a href={`/preferences/${c.req.param('token')}`}>Back to your preferences</a>}
        />,
        400,
      );
    }
    const result = change.apply({ subscriber, prefs }, value);
    if (result.subscriber) await saveSubscriber(deps.db, result.subscriber);
    if (result.prefs) await savePrefs(deps.db, subscriber.id, result.prefs);
    deps.log.info(
      { subscriber: subscriber.id, change: `${c.req.param('group')}/${c.req.param('change')}`, value },
      'reader corrected their preferences',
    );
    const done = new URLSearchParams({ done: `${c.req.param('group')}/${c.req.param('change')}`, value });
    return c.redirect(`/preferences/${c.req.param('token')}?${done}`, 303);
  });

  return app;
}

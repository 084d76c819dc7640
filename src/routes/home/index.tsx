// GET /: signed out, what Tidings is and the subscribe form; signed in, your latest briefing as a web page.
import { Hono } from 'hono';
import type { AppDeps } from '../../deps';
import { latestReaderBriefing } from '../../store/reader-briefings';
import { webBriefing } from '../briefings/briefing-view';
import { BriefingPage } from '../briefings/briefing.page';
import { currentReader } from '../reader-session';
import { signupDefaults, subscribeChoices } from '../subscribe';
import { SubscribePage } from '../subscribe/subscribe.page';
import type { ViewerEnv } from '../viewer';
import { FirstBriefingPendingPage, NotSubscribedPage } from './home.page';
import { suggestionsFor } from '../discovery';
import { SearchBox, SuggestedSources } from '../discovery/discovery.page';
import { getSuggestion } from '../../store/discovery';

export function homeRoutes(deps: AppDeps) {
  return new Hono<ViewerEnv>().get('/', async (c) => {
    const reader = await currentReader(c, deps);
    if (!reader) {
      const { topics, sendTimes } = await subscribeChoices(deps);
      return c.html(
        <SubscribePage
          topics={topics}
          values={signupDefaults}
          sendTimes={sendTimes}
          detect
          devNote={deps.config.NODE_ENV !== 'production' && deps.config.usesDevOutbox}
        />,
      );
    }
    c.header('Cache-Control', 'private, no-store');
    const { subscriber } = reader;
    if (!subscriber || subscriber.status === 'unsubscribed')
      return c.html(<NotSubscribedPage email={reader.session.email} unsubscribed={!!subscriber} />);
    const latest = await latestReaderBriefing(deps.db, subscriber.id);
    const welcome = c.req.query('welcome') === '1';
    if (!latest)
      return c.html(
        <FirstBriefingPendingPage welcome={welcome} attempt={Math.max(0, Math.min(99, Number(c.req.query('wait') ?? 0) || 0))} />,
      );
    const followedUrl = c.req.query('followed');
    const [briefing, suggestions, followed] = await Promise.all([
      webBriefing(deps, subscriber, latest),
      suggestionsFor(deps.db, subscriber),
      followedUrl ? getSuggestion(deps.db, followedUrl) : Promise.resolve(null),
    ]);
    return c.html(
      <BriefingPage
        briefing={briefing}
        title="Your latest briefing"
        back="/"
        welcome={welcome}
        latest
        aside={<SuggestedSources suggestions={suggestions} followed={followed?.title ?? null} />}
      >
        <SearchBox />
      </BriefingPage>,
    );
  });
}

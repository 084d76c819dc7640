// /briefings: the signed-in reader's archive, newest first; /briefings/:edition: one of them as a web page.
import { Hono } from 'hono';
import type { AppDeps } from '../../deps';
import { getReaderBriefing, listReaderBriefings } from '../../store/reader-briefings';
import { MessagePage } from '../layout';
import { currentReader, signInFirst } from '../reader-session';
import type { ViewerEnv } from '../viewer';
import { webBriefing } from './briefing-view';
import { ArchivePage, BriefingPage } from './briefing.page';

const PAGE_SIZE = 30;

export function briefingRoutes(deps: AppDeps) {
  const app = new Hono<ViewerEnv>();
  app.use('/briefings', async (c, next) => {
    await next();
    c.header('Cache-Control', 'private, no-store');
  });
  app.use('/briefings/*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'private, no-store');
  });

  app.get('/briefings', async (c) => {
    const reader = await currentReader(c, deps);
    if (!reader) return signInFirst(c);
    const start = Math.max(0, Math.floor(Number(c.req.query('start') ?? 0)) || 0);
    const { entries, total } = reader.subscriber
      ? await listReaderBriefings(deps.db, reader.subscriber.id, start, PAGE_SIZE)
      : { entries: [], total: 0 };
    return c.html(
      <ArchivePage entries={entries} total={total} start={start} pageSize={PAGE_SIZE} timeZone={reader.subscriber?.timezone ?? 'UTC'} />,
    );
  });

  app.get('/briefings/:edition', async (c) => {
    const reader = await currentReader(c, deps);
    if (!reader) return signInFirst(c);
    const briefing = reader.subscriber ? await getReaderBriefing(deps.db, reader.subscriber.id, c.req.param('edition')) : null;
    if (!reader.subscriber || !briefing) {
      return c.html(
        <MessagePage
          title="No such briefing"
          message="We have no briefing of that name for you. It may be older than your archive keeps, or the address was cut short."
          next={<a href="/briefings">See all your briefings</a>}
        />,
        404,
      );
    }
    return c.html(
      <BriefingPage
        briefing={await webBriefing(deps, reader.subscriber, briefing)}
        title="Your briefing"
        back={`/briefings/${encodeURIComponent(briefing.edition)}`}
      />,
    );
  });
  return app;
}

// /bookmarks: everything the reader saved for later (from an email or the web), each with a remove button.
import { Hono } from 'hono';
import { readerEventSchema, type Article } from '../../contracts';
import type { AppDeps } from '../../deps';
import { getArticlesByIds } from '../../store/articles';
import { listBookmarks, removeBookmark } from '../../store/reader-actions';
import { csrfGuard, readForm } from '../auth/http';
import { currentReader, signInFirst } from '../reader-session';
import type { ViewerEnv } from '../viewer';
import { BookmarksPage } from './bookmarks.page';

export function bookmarkRoutes(deps: AppDeps) {
  const app = new Hono<ViewerEnv>();
  app.post('/bookmarks/remove', csrfGuard(deps));

  app.get('/bookmarks', async (c) => {
    const reader = await currentReader(c, deps);
    if (!reader) return signInFirst(c);
    c.header('Cache-Control', 'private, no-store');
    const ids = reader.subscriber ? await listBookmarks(deps.db, reader.subscriber.id) : [];
    const articles = await getArticlesByIds(deps.db, ids);
    const saved = ids
      .map((id, i) => ({ id, article: articles[i] ?? null }))
      .filter((b): b is { id: string; article: Article } => b.article !== null);
    const removed = c.req.query('removed');
    return c.html(
      <BookmarksPage saved={saved} removedTitle={removed ? ((await getArticlesByIds(deps.db, [removed]))[0]?.title ?? null) : null} />,
    );
  });

  app.post('/bookmarks/remove', async (c) => {
    const reader = await currentReader(c, deps);
    if (!reader) return signInFirst(c);
    const article = (await readForm(c)).article ?? '';
    if (reader.subscriber && article && (await removeBookmark(deps.db, reader.subscriber.id, article))) {
      deps.recorder.record(
        readerEventSchema.parse({
          type: 'bookmark_removed',
          subscriber_id: reader.subscriber.id,
          edition_id: 'web',
          article_id: article,
          at: deps.now().toISOString(),
          method: 'POST',
        }),
      );
    }
    return c.redirect(`/bookmarks?${new URLSearchParams({ removed: article })}`, 303);
  });
  return app;
}

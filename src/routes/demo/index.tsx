// /demo/:site/:slug (development only): the shipped demo articles as readable pages, so the links of a
// briefing made from the sample feeds land on a real article instead of a host that does not exist.
import { Hono } from 'hono';
import { articleIdFor, normaliseUrl } from '../../core/feeds/feed-items';
import type { AppDeps } from '../../deps';
import { getArticle } from '../../store/articles';
import { Layout, MessagePage } from '../layout';

export function demoRoutes(deps: AppDeps) {
  const app = new Hono();
  app.use('/demo/*', async (c, next) => {
    if (deps.config.NODE_ENV === 'production') return c.notFound();
    await next();
  });
  app.get('/demo/:site/:slug{.+}', async (c) => {
    const url = normaliseUrl(`${deps.config.PUBLIC_BASE_URL.replace(/\/+$/, '')}/demo/${c.req.param('site')}/${c.req.param('slug')}`);
    const article = await getArticle(deps.db, await articleIdFor(url));
    if (!article) {
      return c.html(
        <MessagePage
          title="No such demo article"
          message="Demo articles exist once the sample feeds are ingested (npm start does it on first run)."
          next={<a href="/">Go to the start page</a>}
        />,
        404,
      );
    }
    const published = new Date(article.published_at).toUTCString().slice(0, 16);
    return c.html(
      <Layout title={article.title}>
        <article class="card">
          <p class="muted small">Demo article shipped with Tidings · {article.content_type}</p>
          <h1>{article.title}</h1>
          <p class="meta">
            {article.author ? `${article.author} · ` : ''}
            {published}
            {article.topics.length ? ` · ${article.topics.join(', ')}` : ''}
          </p>
          <div class="prose">
            <p>{article.summary || 'This demo article has no text beyond its title.'}</p>
            <p class="muted">
              In a real deployment this link goes to the article on its own site. This page stands in for it, so the whole path from a
              briefing to an article works offline.
            </p>
          </div>
        </article>
        <p>
          <a href="/">Back to Tidings</a>
        </p>
      </Layout>,
    );
  });
  return app;
}

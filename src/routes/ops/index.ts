// The operator API under /ops/api, behind the operator token.
import { Hono } from 'hono';
import type { AppDeps } from '../../deps';
import { countArticles, listQuarantine } from '../../store/articles';
import { listSources } from '../../store/sources';
import { scheduleApiRoutes } from './schedules';
import { operatorLoginRoutes, operatorTokenOnly } from './operator-session';
import { dashboardRoutes } from './dashboard';
import { exploreRoutes } from './explore';

export function opsRoutes(deps: AppDeps) {
  const app = new Hono();
  app.use('/ops/api', operatorTokenOnly(deps.config));
  app.use('/ops/api/*', operatorTokenOnly(deps.config));

  app.get('/ops/api/quarantine', async (c) => {
    const limit = Math.min(Number(c.req.query('limit') ?? 100) || 100, 1000);
    return c.json({ items: await listQuarantine(deps.db, limit) });
  });

  app.get('/ops/api/sources', async (c) => c.json({ sources: await listSources(deps.db), articles: await countArticles(deps.db) }));

  app.route('/', scheduleApiRoutes(deps));
  app.route('/', operatorLoginRoutes(deps));
  app.route('/', dashboardRoutes(deps));
  app.route('/', exploreRoutes(deps));

  // An API client gets JSON for every path under /ops/api, a miss included, never an HTML page.
  app.get('/ops/api', (c) =>
    c.json({
      endpoints: ['/ops/api/sources', '/ops/api/quarantine', '/ops/api/schedules', '/ops/api/editions', '/ops/api/suggestions'],
    }),
  );
  app.all('/ops/api/*', (c) =>
    c.json({ error: 'not_found', message: `There is no ${c.req.method} ${c.req.path}. See GET /ops/api for the endpoints.` }, 404),
  );

  return app;
}

// createApp(deps): the edge app, the same on Node and Workers. Middleware order, errors, routes.
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { HTTPException } from 'hono/http-exception';
import type { AppDeps } from './deps';
import { MessagePage } from './routes/layout';
import { healthRoutes } from './routes/health';
import { clickRoutes } from './routes/clicks';
import { devRoutes } from './routes/dev';
import { opsRoutes } from './routes/ops';
import { homeRoutes } from './routes/home';
import { webhookRoutes } from './routes/webhooks';

export function createApp(deps: AppDeps) {
  const app = new Hono();

  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'https:'],
        frameAncestors: ["'self'"],
      },
      referrerPolicy: 'strict-origin',
    }),
  );

  app.route('/', homeRoutes(deps));
  app.route('/', healthRoutes(deps));
  app.route('/', clickRoutes(deps));
  app.route('/', devRoutes(deps));
  app.route('/', opsRoutes(deps));
  app.route('/', webhookRoutes(deps));

  app.notFound((c) =>
    c.html(<MessagePage title="Page not found" message="There is nothing at this address." next={<a href="/">Go to the start page</a>} />, 404),
  );

  app.onError((error, c) => {
    // Middleware refusals (bearer auth's 401) carry their own response; they are not server errors.
    if (error instanceof HTTPException) return error.getResponse();
    deps.log.error({ err: error instanceof Error ? { message: error.message, stack: error.stack } : String(error), path: c.req.path }, 'unhandled error');
    return c.html(
      <MessagePage title="Something went wrong on our side" message="We could not finish this request. Nothing you did caused it." next="Please try again in a minute." />,
      500,
    );
  });

  return app;
}

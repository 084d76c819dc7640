// createApp(deps): the edge app, the same on Node and Workers. Middleware order, errors, routes.
import { Hono } from 'hono';
import { contextStorage } from 'hono/context-storage';
import { HTTPException } from 'hono/http-exception';
import { NONCE, secureHeaders } from 'hono/secure-headers';
import type { AppDeps } from './deps';
import { MessagePage } from './routes/layout';
import { healthRoutes } from './routes/health';
import { preferencesRoutes } from './routes/preferences';
import { clickRoutes } from './routes/clicks';
import { devRoutes } from './routes/dev';
import { opsRoutes } from './routes/ops';
import { homeRoutes } from './routes/home';
import { actionRoutes } from './routes/actions';
import { authRoutes } from './routes/auth';
import { webhookRoutes } from './routes/webhooks';
import { sentBriefingRoutes } from './routes/sent';
import { assetRoutes } from './routes/design/assets';
import { viewerMiddleware } from './routes/viewer';
import { subscribeRoutes } from './routes/subscribe';
import { briefingRoutes } from './routes/briefings';
import { bookmarkRoutes } from './routes/bookmarks';
import { settingsRoutes } from './routes/settings';
import { accountRoutes } from './routes/account';
import { demoRoutes } from './routes/demo';

export function createApp(deps: AppDeps) {
  const app = new Hono();

  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'", NONCE], // a per-response nonce: the implicit sign-in page's one inline script
        imgSrc: ["'self'", 'data:', 'https:'],
        frameAncestors: ["'self'"],
      },
      referrerPolicy: 'strict-origin',
    }),
  );

  // Pages read the request's viewer (who is signed in) for their header through the context storage.
  app.use('*', contextStorage());
  app.use('*', viewerMiddleware(deps));

  app.route('/', assetRoutes());
  app.route('/', homeRoutes(deps));
  app.route('/', subscribeRoutes(deps));
  app.route('/', briefingRoutes(deps));
  app.route('/', bookmarkRoutes(deps));
  app.route('/', settingsRoutes(deps));
  app.route('/', accountRoutes(deps));
  app.route('/', demoRoutes(deps));
  app.route('/', healthRoutes(deps));
  app.route('/', preferencesRoutes(deps));
  app.route('/', clickRoutes(deps));
  app.route('/', sentBriefingRoutes(deps));
  app.route('/', devRoutes(deps));
  app.route('/', opsRoutes(deps));
  app.route('/', actionRoutes(deps));
  app.route('/', authRoutes(deps));
  app.route('/', webhookRoutes(deps));

  app.notFound((c) =>
    c.html(<MessagePage title="Page not found" message="There is nothing at this address." next={<a href="/">Go to the start page</a>} />, 404),
  );

  app.onError((error, c) => {
    // Errors a middleware raised on purpose (401 from bearer auth, 403 from CSRF) keep their status and headers.
    if (error instanceof HTTPException && error.status < 500) {
      const response = error.getResponse();
      const headers = new Headers(response.headers);
      headers.set('content-type', 'text/html; charset=UTF-8');
      const page = <ClientErrorPage status={error.status} />;
      return new Response(`<!DOCTYPE html>${page}`, { status: error.status, headers });
    }
    deps.log.error({ err: error instanceof Error ? { message: error.message, stack: error.stack } : String(error), path: c.req.path }, 'unhandled error');
    return c.html(
      <MessagePage title="Something went wrong on our side" message="We could not finish this request. Nothing you did caused it." next="Please try again in a minute." />,
      500,
    );
  });

  return app;
}

/** The page for a refusal raised by middleware: what happened and what to do next. */
function ClientErrorPage({ status }: { status: number }) {
  if (status === 401) return <MessagePage title="Sign-in needed" message="This page is for operators and needs the operator token." next="Send it as an Authorization: Bearer header, or ask whoever runs this Tidings." />;
  if (status === 403) return <MessagePage title="This form could not be accepted" message="The request did not come from a page of this site, so it was refused to protect your account." next="Go back, reload the page and press the button again." />;
  return <MessagePage title="This request could not be handled" message={`The server refused it (status ${status}).`} next={<a href="/">Go to the start page</a>} />;
}


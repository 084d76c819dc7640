// createApp(deps): the edge app, the same on Node and Workers. Middleware order, errors, routes.
import { Hono } from 'hono';
import { contextStorage } from 'hono/context-storage';
import { HTTPException } from 'hono/http-exception';
import { NONCE, secureHeaders } from 'hono/secure-headers';
import type { AppDeps } from './deps';
import { createClickBudget } from './core/links/click-budget';
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
import { limitBodies } from './routes/body-limits';
import { UnreadableFormError } from './routes/form';
import { assetRoutes } from './routes/design/assets';
import { viewerMiddleware } from './routes/viewer';
import { subscribeRoutes } from './routes/subscribe';
import { briefingRoutes } from './routes/briefings';
import { bookmarkRoutes } from './routes/bookmarks';
import { discoveryRoutes } from './routes/discovery';
import { settingsRoutes } from './routes/settings';
import { accountRoutes } from './routes/account';
import { demoRoutes } from './routes/demo';

export function createApp(given: AppDeps) {
  // One click budget for the app's routes (and /healthz's counters), unless the host shares its own.
  const deps: AppDeps = { ...given, clickBudget: given.clickBudget ?? createClickBudget() };
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

  // Before any route reads a body: each path accepts at most what it needs (413 otherwise, unread).
  app.use('*', limitBodies());

  // Pages read the request's viewer (who is signed in) for their header through the context storage.
  app.use('*', contextStorage());
  app.use('*', viewerMiddleware(deps));

  app.route('/', assetRoutes());
  app.route('/', homeRoutes(deps));
  app.route('/', subscribeRoutes(deps));
  app.route('/', briefingRoutes(deps));
  app.route('/', bookmarkRoutes(deps));
  app.route('/', discoveryRoutes(deps));
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
    c.html(
      <MessagePage title="Page not found" message="There is nothing at this address." next={<a href="/">Go to the start page</a>} />,
      404,
    ),
  );

  app.onError((error, c) => {
    // Errors a middleware raised on purpose (401 from bearer auth, 403 from CSRF) keep their status and headers.
    // A body hono could not parse (malformed multipart, a cut-off upload) is the client's mistake: 400, never 500.
    if (!(error instanceof HTTPException) && isBodyParseError(error)) error = new UnreadableFormError(error);
    if (error instanceof HTTPException && error.status < 500) {
      const response = error.getResponse();
      const headers = new Headers(response.headers);
      headers.set('content-type', 'text/html; charset=UTF-8');
      const page = <ClientErrorPage status={error.status} />;
      return new Response(`<!DOCTYPE html>${page}`, { status: error.status, headers });
    }
    deps.log.error(
      { err: error instanceof Error ? { message: error.message, stack: error.stack } : String(error), path: c.req.path },
      'unhandled error',
    );
    return c.html(
      <MessagePage
        title="Something went wrong on our side"
        message="We could not finish this request. Nothing you did caused it."
        next="Please try again in a minute."
      />,
      500,
    );
  });

  return app;
}

/** The page for a refusal raised by middleware: what happened and what to do next. */
function ClientErrorPage({ status }: { status: number }) {
  if (status === 400)
    return (
      <MessagePage
        title="This form could not be read"
        message="What the browser sent was cut off or is not a form this page understands, so nothing was changed."
        next="Go back, reload the page and press the button again. If it keeps happening, try another browser."
      />
    );
  if (status === 413)
    return (
      <MessagePage
        title="That was too large to accept"
        message="The request sent far more than this page ever needs, so nothing was read or changed."
        next="Go back, reload the page and press the button again."
      />
    );
  if (status === 401)
    return (
      <MessagePage
        title="Sign-in needed"
        message="This page is for operators and needs the operator token."
        next="Send it as an Authorization: Bearer header, or ask whoever runs this Tidings."
      />
    );
  if (status === 403)
    return (
      <MessagePage
        title="This form could not be accepted"
        message="The request did not come from a page of this site, so it was refused to protect your account."
        next="Go back, reload the page and press the button again."
      />
    );
  return (
    <MessagePage
      title="This request could not be handled"
      message={`The server refused it (status ${status}).`}
      next={<a href="/">Go to the start page</a>}
    />
  );
}

/** Errors the platform's form parser throws for a malformed body (Request.formData() via hono's parseBody). */
function isBodyParseError(error: unknown): boolean {
  return error instanceof TypeError && /form ?data|multipart|boundary|body/i.test(error.message);
}

// Operator access for pages and tools under /ops (and /metrics): the bearer OPERATOR_TOKEN, or a signed
// cookie set by signing in with that token at /ops/login. Changing the token invalidates every cookie.
import type { Context, MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import { deleteCookie, getSignedCookie, setSignedCookie } from 'hono/cookie';
import type { AppDeps } from '../../deps';
import type { Config } from '../../env';
import { constantTimeEqual, utf8 } from '../../core/encoding';
import { safeNext } from '../../core/auth/redirects';
import { Layout } from '../layout';
import { readForm } from '../form';

const COOKIE = 'tidings_ops';

const cookieSecret = (config: Config) => `${config.SESSION_SECRET}\n${config.OPERATOR_TOKEN}`;

function tokenMatches(config: Config, given: string): boolean {
  return constantTimeEqual(utf8(given), utf8(config.OPERATOR_TOKEN));
}

export async function isOperator(c: Context, config: Config): Promise<boolean> {
  if (bearerMatches(c, config)) return true;
  return (await getSignedCookie(c, cookieSecret(config), COOKIE)) === 'operator';
}

function bearerMatches(c: Context, config: Config): boolean {
  const header = c.req.header('authorization');
  return header?.startsWith('Bearer ') === true && tokenMatches(config, header.slice('Bearer '.length));
}

/** The 401 a script gets: JSON, saying what to send. */
function unauthorized(c: Context): Response {
  c.header('WWW-Authenticate', 'Bearer realm="tidings-ops"');
  return c.json({ error: 'unauthorized', message: 'Send the operator token as "Authorization: Bearer <OPERATOR_TOKEN>".' }, 401);
}

/** Pages send a person to the sign-in form; everything else gets a 401 saying what to send. */
export function operatorOnly(config: Config, kind: 'page' | 'api'): MiddlewareHandler {
  return async (c, next) => {
    if (await isOperator(c, config)) return next();
    if (kind === 'page') return c.redirect(`/ops/login?next=${encodeURIComponent(c.req.path)}`, 303);
    return unauthorized(c);
  };
}

/** The operator API under /ops/api: the bearer token only (scripts; no cookie), JSON when it is missing or wrong. */
export function operatorTokenOnly(config: Config): MiddlewareHandler {
  return async (c, next) => (bearerMatches(c, config) ? next() : unauthorized(c));
}

/** A path under /ops on this site (the shared check, so dot segments cannot turn it into another host). */
function opsNext(value: string | undefined, baseUrl: string): string {
  const path = safeNext(value, baseUrl);
  return path && (path === '/ops' || path.startsWith('/ops/')) ? path : '/ops';
}

export function operatorLoginRoutes(deps: AppDeps) {
  const app = new Hono();
  const form = (next: string, problem?: string) => (
    <Layout title="Operator sign-in">
      <div class="card">
        <h1>Operator sign-in</h1>
        {problem ? (
          <p style="color:#b3261e">{problem}</p>
        ) : (
          <p class="muted">Paste the operator token (OPERATOR_TOKEN) to open the dashboard.</p>
        )}
        {deps.config.NODE_ENV === 'production' ? null : (
          <p class="muted">
            In development, <code>npm start</code> prints the token in its start banner.
          </p>
        )}
        <form method="post" action="/ops/login">
          <input type="hidden" name="next" value={next} />
          <p>
            <input type="password" name="token" autocomplete="current-password" required style="width:100%;padding:.5rem;font:inherit" />
          </p>
          <button type="submit">Sign in</button>
        </form>
      </div>
    </Layout>
  );
  app.get('/ops/login', (c) => c.html(form(opsNext(c.req.query('next'), deps.config.PUBLIC_BASE_URL))));
  app.post('/ops/login', async (c) => {
    const body = await readForm(c);
    const next = opsNext(body.next, deps.config.PUBLIC_BASE_URL);
    if (typeof body.token !== 'string' || !tokenMatches(deps.config, body.token)) {
      return c.html(form(next, 'That is not the operator token. Check OPERATOR_TOKEN in the server configuration and try again.'), 401);
    }
    await setSignedCookie(c, COOKIE, 'operator', cookieSecret(deps.config), {
      httpOnly: true,
      secure: deps.config.PUBLIC_BASE_URL.startsWith('https:'),
      sameSite: 'Strict',
      path: '/',
      maxAge: 12 * 3600,
    });
    return c.redirect(next, 303);
  });
  app.post('/ops/logout', (c) => {
    deleteCookie(c, COOKIE, { path: '/', secure: deps.config.PUBLIC_BASE_URL.startsWith('https:') });
    return c.redirect('/ops/login', 303);
  });
  return app;
}

// The viewer middleware: who is signed in, resolved once per request so every page's header can say so
// (and reader routes reuse it). Only a request carrying the session cookie costs a Redis read.
import type { MiddlewareHandler } from 'hono';
import type { AppDeps } from '../deps';
import type { SiteSession } from '../store/auth';
import { currentSiteSession, SESSION_COOKIE } from './auth/http';
import type { ViewerVariables } from './layout';

export type ViewerEnv = { Variables: ViewerVariables & { siteSession?: { id: string; session: SiteSession } | null } };

export function viewerMiddleware(deps: AppDeps): MiddlewareHandler<ViewerEnv> {
  return async (c, next) => {
    const cookie = c.req.header('cookie') ?? '';
    if (cookie.includes(`${SESSION_COOKIE}=`) && !c.req.path.startsWith('/c/')) {
      const current = await currentSiteSession(c, deps);
      c.set('siteSession', current);
      c.set('viewer', current ? { email: current.session.email } : null);
    } else {
      c.set('siteSession', null);
      c.set('viewer', null);
    }
    await next();
  };
}

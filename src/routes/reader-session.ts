// The signed-in reader behind a request: their cookie session and their subscriber record (one identity,
// matched by address). Pages that need one send a signed-out visitor to sign in and come back.
import type { Context } from 'hono';
import type { Subscriber } from '../contracts';
import type { AppDeps } from '../deps';
import type { SiteSession } from '../store/auth';
import { findSubscriberByEmail } from '../store/subscribers';
import { currentSiteSession } from './auth/http';
import type { ViewerEnv } from './viewer';

export interface Reader {
  sessionId: string;
  session: SiteSession;
  /** Null for a person who signed in but never subscribed (or deleted their subscription). */
  subscriber: Subscriber | null;
}

/** The reader, or null when nobody is signed in. Reuses what the viewer middleware already read. */
export async function currentReader(c: Context<ViewerEnv>, deps: AppDeps): Promise<Reader | null> {
  const cached = c.get('siteSession');
  const current = cached === undefined ? await currentSiteSession(c, deps) : cached;
  if (!current) return null;
  return { sessionId: current.id, session: current.session, subscriber: await findSubscriberByEmail(deps.db, current.session.email) };
}

/** Where a signed-out visitor goes to sign in and come back to this page. */
export function signInFirst(c: Context): Response {
  return c.redirect(`/sign-in?${new URLSearchParams({ next: c.req.path })}`, 303);
}

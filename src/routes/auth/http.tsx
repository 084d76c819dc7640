// Shared plumbing of the sign-in routes: the provider in use, visitor IP, cookies, CSRF, tickets, JSON errors.
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, getSignedCookie, setCookie, setSignedCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import type { AuthSession } from '../../contracts/auth';
import type { AuthFailure } from '../../core/auth/errors';
import { builtinProvider, type SignInProvider } from '../../identity/provider';
import { safeNext } from '../../core/auth/redirects';
import { seal, unseal } from '../../core/auth/sealed';
import { supabaseProvider } from '../../identity/supabase-provider';
import { randomToken } from '../../core/auth/tokens';
import type { AppDeps } from '../../deps';
import { deleteSiteSession, getSiteSession, saveSiteSession, type SiteSession } from '../../store/auth';
import { MessagePage } from '../layout';
export { readForm } from '../form';
import { confirmPendingSignup } from '../subscribe/confirm-signup';

export const SESSION_COOKIE = 'tidings_session';
export const VERIFIER_COOKIE = 'tidings_pkce';
const TICKET_PURPOSE = 'auth-resend';
const TICKET_TTL_MS = 86_400_000;

export function signInProvider(deps: AppDeps): SignInProvider {
  return deps.config.AUTH_PROVIDER === 'supabase' ? supabaseProvider(deps.config, deps.db, deps.now) : builtinProvider(deps);
}

export function secureCookies(deps: AppDeps): boolean {
  return deps.config.NODE_ENV === 'production' || deps.config.PUBLIC_BASE_URL.startsWith('https:');
}

/** Form POSTs must come from this site: Origin (or Sec-Fetch-Site) checked by hono/csrf, refused with a page. */
export function csrfGuard(deps: AppDeps): MiddlewareHandler {
  const siteOrigin = new URL(deps.config.PUBLIC_BASE_URL).origin;
  const check = csrf({ origin: (origin, c) => origin === siteOrigin || origin === new URL(c.req.url).origin });
  return async (c, next) => {
    try {
      await check(c, next);
    } catch (error) {
      if (error instanceof HTTPException && error.status === 403) {
        c.res = await c.html(
          <MessagePage
            title="This request came from another site"
            message="For your safety, sign-in forms and buttons only work on pages of this site."
            next={<a href="/sign-in">Start again from the sign-in page</a>}
          />,
          403,
        );
        return;
      }
      throw error;
    }
  };
}

/** A `next` that was given but would leave the site (refused loudly rather than replaced). */
export function refusedNext(deps: AppDeps, value: string | undefined | null): boolean {
  return value !== undefined && value !== null && value !== '' && safeNext(value, deps.config.PUBLIC_BASE_URL) === null;
}

/** Where to go after signing in: a same-origin path, default "/". */
export function nextPath(deps: AppDeps, value: string | undefined | null): string {
  return safeNext(value, deps.config.PUBLIC_BASE_URL) ?? '/';
}

// ── "send a new link" tickets: the address, sealed, so pages can offer a resend without printing it ──

export interface ResendTicket {
  email: string;
  next: string;
  /** When the last link was requested (ms), for the cooldown shown on the page. */
  sent_at: number;
}

export async function makeTicket(deps: AppDeps, ticket: ResendTicket): Promise<string> {
  return seal({ ...ticket, exp: deps.now().getTime() + TICKET_TTL_MS }, deps.config.authJwtSecret, TICKET_PURPOSE);
}

export async function readTicket(deps: AppDeps, text: string | undefined): Promise<ResendTicket | null> {
  if (!text) return null;
  const value = (await unseal(text, deps.config.authJwtSecret, TICKET_PURPOSE)) as (ResendTicket & { exp: number }) | null;
  if (!value || typeof value.email !== 'string' || typeof value.exp !== 'number' || value.exp < deps.now().getTime()) return null;
  return { email: value.email, next: nextPath(deps, value.next), sent_at: Number(value.sent_at) || 0 };
}

// ── this site's session cookie ──

export async function startSiteSession(c: Context, deps: AppDeps, provider: SignInProvider, session: AuthSession): Promise<void> {
  const id = randomToken(32);
  const record: SiteSession = {
    user_id: session.user.id,
    email: session.user.email,
    provider: provider.kind,
    access_token: session.access_token,
    refresh_token: session.refresh_token,
    expires_at: session.expires_at,
    created_at: deps.now().getTime(),
  };
  await saveSiteSession(deps.db, id, record, deps.config.AUTH_SESSION_TTL_SECONDS);
  deps.log.info({ user: session.user.id, provider: provider.kind, path: c.req.path }, 'signed in');
  // The magic link is a sign-up's confirmation: whichever way it arrived (and in whichever browser), a waiting sign-up is confirmed here.
  if (session.user.email) await confirmPendingSignup(deps, session.user.email);
  await setSignedCookie(c, SESSION_COOKIE, id, deps.config.SESSION_SECRET, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: secureCookies(deps),
    path: '/',
    maxAge: deps.config.AUTH_SESSION_TTL_SECONDS,
  });
  deleteCookie(c, VERIFIER_COOKIE, { path: '/', secure: secureCookies(deps) });
}

/** The signed-in visitor, or null (a missing, forged or revoked cookie all mean "not signed in"). */
export async function currentSiteSession(c: Context, deps: AppDeps): Promise<{ id: string; session: SiteSession } | null> {
  const id = await getSignedCookie(c, deps.config.SESSION_SECRET, SESSION_COOKIE);
  if (!id) return null;
  const session = await getSiteSession(deps.db, id);
  return session ? { id, session } : null;
}

export async function endSiteSession(c: Context, deps: AppDeps): Promise<SiteSession | null> {
  const id = await getSignedCookie(c, deps.config.SESSION_SECRET, SESSION_COOKIE);
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: secureCookies(deps) });
  return id ? deleteSiteSession(deps.db, id) : null;
}

export function verifierCookie(c: Context): string | undefined {
  return getCookie(c, VERIFIER_COOKIE);
}

export function setVerifierCookie(c: Context, deps: AppDeps, verifier: string): void {
  setCookie(c, VERIFIER_COOKIE, verifier, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: secureCookies(deps),
    path: '/',
    maxAge: deps.config.AUTH_LINK_TTL_SECONDS + deps.config.AUTH_CODE_TTL_SECONDS,
  });
}

// ── the /auth/v1 JSON error shape ──

/** Supabase Auth's error body: `{code, message}` for API version 2024-01-01 callers, `{code, error_code, msg}` otherwise. */
export function apiError(c: Context, failure: AuthFailure): Response {
  const versioned = (c.req.header('x-supabase-api-version') ?? '') >= '2024-01-01';
  if (versioned) c.header('X-Supabase-Api-Version', '2024-01-01');
  if (failure.retryAfter !== undefined) c.header('Retry-After', String(failure.retryAfter));
  c.header('Cache-Control', 'no-store');
  const body = versioned
    ? { code: failure.code, message: failure.message }
    : { code: failure.status, error_code: failure.code, msg: failure.message };
  return c.json(body, failure.status);
}

// /auth/v1/*: Supabase Auth's magic-link protocol, so the official supabase-js client works against Tidings unchanged.
import { Hono, type Context } from 'hono';
import { cors } from 'hono/cors';
import type { z } from 'zod';
import { otpRequestSchema, pkceGrantSchema, refreshGrantSchema, verifyRequestSchema } from '../../contracts/auth';
import { authFailures, type AuthFailure } from '../../core/auth/errors';
import * as gotrue from '../../identity/gotrue';
import { maskEmail } from '../../core/auth/mask';
import { checkRedirect, originAllowed, safeNext } from '../../core/auth/redirects';
import { s256Challenge } from '../../core/auth/tokens';
import type { AppDeps } from '../../deps';
import type { OtpRecord } from '../../store/auth';
import { MessagePage } from '../layout';
import { builtinProvider } from '../../identity/provider';
import { apiError, csrfGuard, makeTicket, readForm, startSiteSession, verifierCookie } from './http';
import { clientIp } from '../client-ip';
import { ConfirmButtonPage, FailurePage } from './auth.page';

const EXPIRED_DESCRIPTION = 'Email link is invalid or has expired';

export function protocolRoutes(deps: AppDeps) {
  const app = new Hono();

  app.use('/auth/v1/*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  });
  // supabase-js in a browser on an allowed site (this one, or a pattern of AUTH_REDIRECT_ALLOW_LIST) calls these cross-origin.
  const policy = { baseUrl: deps.config.PUBLIC_BASE_URL, patterns: deps.config.AUTH_REDIRECT_ALLOW_LIST };
  app.use(
    '/auth/v1/*',
    cors({
      origin: (origin) => (originAllowed(origin, policy) ? origin : null),
      allowMethods: ['GET', 'POST', 'OPTIONS'],
      allowHeaders: ['apikey', 'authorization', 'content-type', 'x-client-info', 'x-supabase-api-version'],
      exposeHeaders: ['x-supabase-api-version', 'retry-after'],
      maxAge: 600,
    }),
  );
  app.post('/auth/v1/verify', csrfGuard(deps));

  app.post('/auth/v1/otp', async (c) => {
    const body = await parseJson(c, otpRequestSchema);
    if (!body.ok) return apiError(c, body.error);
    const sent = await gotrue.requestLink(deps, body.value, {
      redirectTo: c.req.query('redirect_to') ?? null,
      ip: clientIp(c, deps.config),
    });
    return sent.ok ? c.json({}) : apiError(c, sent.error);
  });

  // GET (and HEAD) only show a page: mail scanners fetch every link, and nothing here uses the token up.
  app.get('/auth/v1/verify', async (c) => {
    const token = c.req.query('token') ?? c.req.query('token_hash') ?? '';
    const type = c.req.query('type') ?? 'magiclink';
    const redirectTo = c.req.query('redirect_to');
    if (redirectTo !== undefined) {
      const check = checkRedirect(redirectTo, policy);
      if (!check.ok) return refusedRedirectPage(c, redirectTo, check.reason);
    }
    const record = token ? await gotrue.peekLink(deps, token) : null;
    if (!record) return linkFailure(c, token, redirectTo ?? deps.config.PUBLIC_BASE_URL, null);
    const crossDevice =
      record.code_challenge !== null && isOwnConfirm(record.redirect_to) && !(await verifierAnswers(verifierCookie(c), record));
    return c.html(
      <ConfirmButtonPage
        masked={maskEmail(record.email)}
        action="/auth/v1/verify"
        fields={{ token, type, ...(crossDevice ? { here: '1' } : {}) }}
        explain={
          crossDevice ? (
            <p>
              This link was requested in another browser or app (or your mail app opened it in its own browser). That is fine: press the
              button and you will be signed in here, in this browser.
            </p>
          ) : undefined
        }
      />,
    );
  });

  app.post('/auth/v1/verify', async (c) => {
    if (/application\/json/i.test(c.req.header('content-type') ?? '')) return verifyApi(c);
    // The button of the page above: the one step that uses the link up.
    const form = await readForm(c);
    const token = form.token ?? '';
    const used = await gotrue.consumeLink(deps, token);
    if (!used.ok) return linkFailure(c, token, deps.config.PUBLIC_BASE_URL, null);
    const record = used.value;
    if (record.code_challenge && !(form.here === '1' && isOwnConfirm(record.redirect_to))) {
      const code = await gotrue.issueFlowCode(deps, record);
      const target = new URL(record.redirect_to);
      target.searchParams.set('code', code);
      return c.redirect(target.href, 303);
    }
    const session = await gotrue.startSession(deps, record.user_id, record.data ?? null);
    if (!session.ok) return linkFailure(c, token, record.redirect_to, record);
    if (record.code_challenge) {
      // Another browser than the one that asked: its verifier is not here, so the session starts here directly.
      await startSiteSession(c, deps, builtinProvider(deps), session.value);
      return c.redirect(nextOf(record.redirect_to), 303);
    }
    const s = session.value;
    const fragment = new URLSearchParams({
      access_token: s.access_token,
      expires_at: String(s.expires_at),
      expires_in: String(s.expires_in),
      refresh_token: s.refresh_token,
      token_type: 'bearer',
      type: record.type,
    });
    const target = new URL(record.redirect_to);
    target.hash = fragment.toString();
    return c.redirect(target.href, 303);
  });

  async function verifyApi(c: Context) {
    const body = await parseJson(c, verifyRequestSchema);
    if (!body.ok) return apiError(c, body.error);
    const used =
      'token_hash' in body.value
        ? await gotrue.consumeLink(deps, body.value.token_hash)
        : await gotrue.consumeCode(deps, body.value.email, body.value.token, clientIp(c, deps.config));
    if (!used.ok) return apiError(c, used.error);
    const session = await gotrue.startSession(deps, used.value.user_id, used.value.data ?? null);
    return session.ok ? c.json(session.value) : apiError(c, session.error);
  }

  app.post('/auth/v1/token', async (c) => {
    const grant = c.req.query('grant_type') ?? '';
    if (grant === 'pkce') {
      const body = await parseJson(c, pkceGrantSchema);
      if (!body.ok) return apiError(c, body.error);
      const session = await gotrue.exchangeCode(deps, body.value.auth_code, body.value.code_verifier);
      return session.ok ? c.json(session.value) : apiError(c, session.error);
    }
    if (grant === 'refresh_token') {
      const body = await parseJson(c, refreshGrantSchema);
      if (!body.ok) return apiError(c, body.error);
      const session = await gotrue.refreshSession(deps, body.value.refresh_token);
      return session.ok ? c.json(session.value) : apiError(c, session.error);
    }
    return apiError(c, authFailures.unsupportedGrant(grant));
  });

  app.get('/auth/v1/user', async (c) => {
    const who = await gotrue.authenticate(deps, c.req.header('authorization'));
    return who.ok ? c.json(who.value.user) : apiError(c, who.error);
  });

  app.post('/auth/v1/logout', async (c) => {
    const scope = c.req.query('scope') ?? 'global';
    if (scope !== 'global' && scope !== 'local' && scope !== 'others')
      return apiError(c, authFailures.validation(`scope must be global, local or others (got ${JSON.stringify(scope)})`));
    const who = await gotrue.authenticate(deps, c.req.header('authorization'));
    if (!who.ok) return apiError(c, who.error);
    await gotrue.logout(deps, who.value, scope);
    return c.body(null, 204);
  });

  /** Is this redirect our own /auth/confirm, where a session can start without the verifier? */
  function isOwnConfirm(redirectTo: string): boolean {
    const url = new URL(redirectTo);
    return url.origin === new URL(deps.config.PUBLIC_BASE_URL).origin && url.pathname === '/auth/confirm';
  }

  function nextOf(redirectTo: string): string {
    return safeNext(new URL(redirectTo).searchParams.get('next'), deps.config.PUBLIC_BASE_URL) ?? '/';
  }

  /**
   * A link that is used, expired or damaged: on this site, a page that offers a new link; for another
   * site, Supabase's redirect with the error in the fragment (and in the query for PKCE callers).
   */
  async function linkFailure(c: Context, token: string, redirectTo: string, record: OtpRecord | null) {
    const target = new URL(redirectTo);
    if (target.origin !== new URL(deps.config.PUBLIC_BASE_URL).origin) {
      const error = new URLSearchParams({ error: 'access_denied', error_code: 'otp_expired', error_description: EXPIRED_DESCRIPTION });
      if (token.startsWith('pkce_')) for (const [k, v] of error) target.searchParams.set(k, v);
      target.hash = error.toString();
      return c.redirect(target.href, 303);
    }
    const email = record?.email ?? (token ? await builtinProvider(deps).hintEmail(token) : null);
    const next = isOwnConfirm(target.href) ? nextOf(target.href) : '/';
    c.header('Cache-Control', 'no-store');
    return c.html(
      <FailurePage
        title={email ? 'This sign-in link has expired or was already used' : 'This sign-in link does not work'}
        message={
          email
            ? 'Each link works once and only for a short time, so a link that was already used, or is too old, cannot sign you in. A new one takes a few seconds.'
            : 'The link is incomplete or was changed after we sent it (some mail apps cut long links). Ask for a new one below.'
        }
        ticket={email ? await makeTicket(deps, { email, next, sent_at: 0 }) : undefined}
        masked={email ? maskEmail(email) : undefined}
        next={next}
      />,
      400,
    );
  }

  return app;
}

function refusedRedirectPage(c: Context, value: string, reason: string) {
  return c.html(
    <MessagePage
      title="This link wants to send you somewhere we don't"
      message={`After signing in, this link would take you to ${value.slice(0, 200)}, which ${reason}. We stopped here rather than send you there.`}
      next={<a href="/sign-in">Sign in from this site instead</a>}
    />,
    400,
  );
}

async function verifierAnswers(verifier: string | undefined, record: OtpRecord): Promise<boolean> {
  if (!verifier || !record.code_challenge) return false;
  const challenge = record.code_challenge_method === 'plain' ? verifier : await s256Challenge(verifier);
  return challenge === record.code_challenge;
}

type Parsed<T> = { ok: true; value: T } | { ok: false; error: AuthFailure };

/** Parse a JSON body with a contract; every problem is named by field. Never a 5xx for a client's mistake. */
async function parseJson<S extends z.ZodType>(c: Context, schema: S): Promise<Parsed<z.infer<S>>> {
  // Only JSON: a cross-site HTML form can send text/plain without asking (no CORS preflight), never application/json.
  if (!/^application\/json\b/i.test(c.req.header('content-type') ?? '')) {
    return { ok: false, error: authFailures.validation('Content-Type must be application/json, with a JSON object as the body.') };
  }
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    return {
      ok: false,
      error: authFailures.validation('Could not read the request body as JSON. Send Content-Type: application/json and a JSON object.'),
    };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const message = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
    return { ok: false, error: authFailures.validation(message) };
  }
  return { ok: true, value: parsed.data };
}

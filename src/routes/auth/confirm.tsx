// /auth/confirm: the front door every sign-in link arrives at — ?code (PKCE), ?token_hash&type, #access_token, or an error.
import { Hono, type Context } from 'hono';
import { authEmailSchema, emailOtpTypes, type AuthSession, type EmailOtpType } from '../../contracts/auth';
import type { AuthFailure } from '../../core/auth/errors';
import { maskEmail } from '../../core/auth/mask';
import type { AppDeps } from '../../deps';
import { MessagePage } from '../layout';
import { clientIp } from '../client-ip';
import {
  csrfGuard,
  currentSiteSession,
  makeTicket,
  nextPath,
  refusedNext,
  readForm,
  readTicket,
  signInProvider,
  startSiteSession,
  verifierCookie,
} from './http';
import { ConfirmButtonPage, FailurePage, ImplicitPage, RateLimitedPage } from './auth.page';

const emailField = authEmailSchema;

/** What each error code means to a person. */
const errorTitles: Record<string, { title: string; message: string }> = {
  otp_expired: {
    title: 'This sign-in link has expired or was already used',
    message: 'Each link works once and only for a short time. A new one takes a few seconds.',
  },
  flow_state_not_found: {
    title: 'This sign-in could not be finished',
    message: 'The sign-in was already finished, or it started too long ago. A new link takes a few seconds.',
  },
  flow_state_expired: {
    title: 'This sign-in took too long to finish',
    message: 'The last step has to happen within a few minutes of pressing the button. A new link takes a few seconds.',
  },
  bad_code_verifier: {
    title: 'This sign-in was started in another browser',
    message: 'For your safety it can only finish in the browser where you asked for it. Ask for a new link here instead.',
  },
};

export function confirmRoutes(deps: AppDeps) {
  const app = new Hono<{ Variables: { secureHeadersNonce?: string } }>();
  const provider = signInProvider(deps);
  for (const path of ['/auth/confirm', '/auth/confirm/*']) {
    // Pages here carry tokens or set cookies: never cached.
    app.use(path, async (c, next) => {
      await next();
      c.header('Cache-Control', 'no-store');
    });
    app.post(path, csrfGuard(deps));
  }

  app.get('/auth/confirm', async (c) => {
    const q = c.req.query();
    const next = nextPath(deps, q.next);
    if (refusedNext(deps, q.next)) {
      return c.html(
        <MessagePage
          title="This sign-in address points to another site"
          message={`It would send you to ${q.next!.slice(0, 200)} afterwards, which is not part of this site. We stopped here.`}
          next={<a href="/sign-in">Sign in without it</a>}
        />,
        400,
      );
    }
    if (q.error || q.error_code || q.error_description)
      return failure(c, { code: q.error_code ?? q.error ?? 'unknown', message: q.error_description ?? '' }, next, null);

    if (q.code) {
      const verifier = verifierCookie(c);
      // Reloading this address after signing in (the code is used by then) simply goes on.
      if (!verifier) return (await currentSiteSession(c, deps)) ? c.redirect(next, 303) : crossDevicePage(c, next);
      const session = await provider.exchangeCode(q.code, verifier);
      if (!session.ok) return (await currentSiteSession(c, deps)) ? c.redirect(next, 303) : failure(c, session.error, next, null);
      return signedIn(c, session.value, next);
    }

    if (q.token_hash !== undefined) {
      const type = (emailOtpTypes as readonly string[]).includes(q.type ?? '') ? (q.type as EmailOtpType) : null;
      if (!type || !q.token_hash) return failure(c, { code: 'incomplete', message: '' }, next, null);
      // Peeking does not use the link: the button below does.
      const email = await provider.peekEmail(q.token_hash);
      if (provider.kind === 'builtin' && !email) return failure(c, { code: 'otp_expired', message: '' }, next, q.token_hash);
      return c.html(
        <ConfirmButtonPage
          masked={email ? maskEmail(email) : null}
          action="/auth/confirm"
          fields={{ token_hash: q.token_hash, type, next }}
          explain={
            <p>Press the button to finish signing in. This works in any browser, including one other than where you asked for the link.</p>
          }
        />,
      );
    }

    // No code, no token in the query: the implicit flow's fragment, which only the browser can read.
    return c.html(<ImplicitPage nonce={c.get('secureHeadersNonce') ?? ''} next={next} />);
  });

  app.post('/auth/confirm', async (c) => {
    const form = await readForm(c);
    const next = nextPath(deps, form.next);
    const type = (emailOtpTypes as readonly string[]).includes(form.type ?? '') ? (form.type as EmailOtpType) : 'email';
    if (!form.token_hash) return failure(c, { code: 'incomplete', message: '' }, next, null);
    const session = await provider.verifyTokenHash(form.token_hash, type);
    if (!session.ok) return failure(c, session.error, next, form.token_hash);
    return signedIn(c, session.value, next);
  });

  app.post('/auth/confirm/code', async (c) => {
    const form = await readForm(c);
    const ticket = await readTicket(deps, form.ticket);
    const next = ticket?.next ?? nextPath(deps, form.next);
    const email = ticket?.email ?? emailField.safeParse(form.email ?? '').data;
    const code = (form.code ?? '').replace(/\s+/g, '');
    if (!email || !/^\d{6}$/.test(code)) {
      return c.html(
        <FailurePage
          title="Check the code"
          message={
            !email ? 'Enter the email address the code was sent to, and the code.' : 'The code is the 6 digits in the email, like 042917.'
          }
          ticket={form.ticket && ticket ? form.ticket : undefined}
          masked={ticket ? maskEmail(ticket.email) : undefined}
          next={next}
          withCode
        />,
        400,
      );
    }
    const session = await provider.verifyCode(email, code, clientIp(c, deps.config));
    if (session.ok) return signedIn(c, session.value, next);
    const freshTicket = await makeTicket(deps, { email, next, sent_at: 0 });
    if (session.error.status === 429) {
      const retryAfter = session.error.retryAfter ?? 60;
      c.header('Retry-After', String(retryAfter));
      return c.html(
        <RateLimitedPage
          retryAfter={retryAfter}
          at={new Date(deps.now().getTime() + retryAfter * 1000)}
          ticket={freshTicket}
          masked={maskEmail(email)}
          next={next}
          held="code"
        />,
        429,
      );
    }
    return c.html(
      <FailurePage
        title="That code did not work"
        message="It may be mistyped, already used, or older than the link's lifetime. Try again, or ask for a new link."
        ticket={freshTicket}
        masked={maskEmail(email)}
        next={next}
        withCode
      />,
      400,
    );
  });

  // The implicit flow's fragment, posted by the page above; the token is checked with the provider before any cookie is set.
  app.post('/auth/confirm/implicit', async (c) => {
    const form = await readForm(c);
    const next = nextPath(deps, form.next);
    if (!form.access_token || !form.refresh_token) return failure(c, { code: 'incomplete', message: '' }, next, null);
    const user = await provider.getUser(form.access_token);
    if (!user.ok) return failure(c, { code: 'bad_jwt', message: '' }, next, null);
    const expiresAt = Number(form.expires_at) || Math.floor(deps.now().getTime() / 1000) + 3600;
    const session: AuthSession = {
      access_token: form.access_token,
      token_type: 'bearer',
      expires_in: Math.max(0, expiresAt - Math.floor(deps.now().getTime() / 1000)),
      expires_at: expiresAt,
      refresh_token: form.refresh_token,
      user: user.value,
    };
    return signedIn(c, session, next);
  });

  async function signedIn(c: Context, session: AuthSession, next: string) {
    await startSiteSession(c, deps, provider, session);
    return c.redirect(next, 303);
  }

  function crossDevicePage(c: Context, next: string) {
    return c.html(
      <FailurePage
        title="Finish signing in on this device"
        message="This link was opened in a different browser from the one where you asked for it (mail apps often use their own), and that kind of link can only finish where it started. Open it in that browser, or ask for a new link here and open it in this browser, or type the 6-digit code from the email."
        next={next}
        withCode
      />,
      400,
    );
  }

  async function failure(c: Context, error: Pick<AuthFailure, 'code' | 'message'>, next: string, tokenHash: string | null) {
    const email = tokenHash ? await provider.hintEmail(tokenHash) : null;
    const known = errorTitles[error.code];
    const title =
      known?.title ??
      (error.code === 'incomplete'
        ? 'This sign-in link is incomplete'
        : error.code === 'bad_jwt'
          ? 'This sign-in could not be checked'
          : 'Sign-in did not work');
    const message =
      known?.message ??
      (error.code === 'incomplete'
        ? 'Part of the link is missing; some mail apps cut long links. Ask for a new one below.'
        : `${error.message ? `The sign-in service said: "${error.message.slice(0, 200)}". ` : ''}Ask for a new link below; it takes a few seconds.`);
    return c.html(
      <FailurePage
        title={title}
        message={message}
        ticket={email ? await makeTicket(deps, { email, next, sent_at: 0 }) : undefined}
        masked={email ? maskEmail(email) : undefined}
        next={next}
      />,
      400,
    );
  }

  return app;
}

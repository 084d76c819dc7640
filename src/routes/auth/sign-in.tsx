// /sign-in, "check your email", "send a new link", /account and /sign-out: start a PKCE sign-in server-side, the verifier in an httpOnly cookie.
import { Hono, type Context } from 'hono';
import { authEmailSchema } from '../../contracts/auth';
import { maskEmail } from '../../core/auth/mask';
import type { AppDeps } from '../../deps';
import { MessagePage } from '../layout';
import { csrfGuard, currentSiteSession, endSiteSession, nextPath, refusedNext, readForm, readTicket, signInProvider } from './http';
import { AccountPage, CheckEmailPage, SignInPage } from './auth.page';
import { sendSignInLink } from './send-link';

const emailField = authEmailSchema;

export function signInRoutes(deps: AppDeps) {
  const app = new Hono();
  const provider = signInProvider(deps);
  for (const path of ['/sign-in', '/sign-in/resend', '/sign-out']) app.post(path, csrfGuard(deps));

  app.get('/sign-in', async (c) => {
    const next = c.req.query('next');
    if (refusedNext(deps, next)) return refusedNextPage(c, next!);
    return c.html(<SignInPage next={nextPath(deps, next)} signedOut={c.req.query('signed_out') === '1'} />);
  });

  app.post('/sign-in', async (c) => {
    const form = await readForm(c);
    if (refusedNext(deps, form.next)) return refusedNextPage(c, form.next!);
    const next = nextPath(deps, form.next);
    const email = emailField.safeParse(form.email ?? '');
    if (!email.success) {
      return c.html(
        <SignInPage
          next={next}
          email={form.email}
          problem="That does not look like an email address. Check it and try again (for example name@example.com)."
        />,
        400,
      );
    }
    return sendLink(c, email.data, next);
  });

  app.post('/sign-in/resend', async (c) => {
    const ticket = await readTicket(deps, (await readForm(c)).ticket);
    if (!ticket) {
      return c.html(
        <SignInPage next="/" problem="That page is too old to send a new link from. Enter your address and we will send one." />,
        400,
      );
    }
    return sendLink(c, ticket.email, ticket.next);
  });

  app.get('/sign-in/sent', async (c) => {
    const ticket = await readTicket(deps, c.req.query('ticket'));
    if (!ticket) return c.redirect('/sign-in', 303);
    const waitSeconds = Math.max(
      0,
      Math.ceil((ticket.sent_at + deps.config.AUTH_EMAIL_COOLDOWN_SECONDS * 1000 - deps.now().getTime()) / 1000),
    );
    c.header('Cache-Control', 'no-store');
    return c.html(
      <CheckEmailPage
        masked={maskEmail(ticket.email)}
        ticket={c.req.query('ticket')!}
        next={ticket.next}
        expiresMinutes={Math.round(deps.config.AUTH_LINK_TTL_SECONDS / 60)}
        waitSeconds={waitSeconds}
      />,
    );
  });

  const sendLink = (c: Context, email: string, next: string) =>
    sendSignInLink(c, deps, provider, { email, next, intent: 'sign-in' }, (problem) => (
      <SignInPage next={next} email={email} problem={problem} />
    ));

  app.get('/account', async (c) => {
    const current = await currentSiteSession(c, deps);
    if (!current) return c.redirect(`/sign-in?${new URLSearchParams({ next: '/account' })}`, 303);
    c.header('Cache-Control', 'private, no-store');
    return c.html(<AccountPage email={current.session.email} />);
  });

  // Revoked in Redis (the cookie alone is worthless afterwards) and at the provider.
  app.post('/sign-out', async (c) => {
    const ended = await endSiteSession(c, deps);
    if (ended) await provider.logout(ended.access_token);
    return c.redirect('/sign-in?signed_out=1', 303);
  });

  return app;
}

function refusedNextPage(c: Context, next: string) {
  return c.html(
    <MessagePage
      title="This sign-in address points to another site"
      message={`After signing in it would send you to ${next.slice(0, 200)}, which is not part of this site. We stopped here rather than send you there.`}
      next={<a href="/sign-in">Sign in without it</a>}
    />,
    400,
  );
}

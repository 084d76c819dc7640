// Send a magic link from one of this site's forms (sign in, subscribe): a PKCE sign-in started server-side,
// its verifier in an httpOnly cookie, then "check your email" (or the rate-limit page). Same answer for any address.
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { maskEmail } from '../../core/auth/mask';
import { PKCE_PATTERN, pkceVerifier, s256Challenge } from '../../core/auth/tokens';
import type { AppDeps } from '../../deps';
import type { LinkIntent, SignInProvider } from '../../identity/provider';
import { clientIp } from '../client-ip';
import { RateLimitedPage } from './auth.page';
import { makeTicket, setVerifierCookie, verifierCookie } from './http';

export interface LinkRequest {
  email: string;
  next: string;
  intent: LinkIntent;
}

/** Ask the provider for a link and answer the browser; `problemPage` renders a refusal other than a rate limit. */
export async function sendSignInLink(
  c: Context,
  deps: AppDeps,
  provider: SignInProvider,
  request: LinkRequest,
  problemPage: (problem: string) => Child,
): Promise<Response> {
  const { email, next } = request;
  // One verifier per browser: asking twice keeps it, so the links of both emails finish here.
  const existing = verifierCookie(c);
  const verifier = existing && PKCE_PATTERN.test(existing) ? existing : pkceVerifier();
  const redirectTo = `${deps.config.PUBLIC_BASE_URL}/auth/confirm?${new URLSearchParams({ next })}`;
  const sent = await provider.sendLink({
    email,
    redirectTo,
    codeChallenge: await s256Challenge(verifier),
    ip: clientIp(c, deps.config),
    intent: request.intent,
  });
  const ticket = await makeTicket(deps, { email, next, sent_at: deps.now().getTime() });
  if (!sent.ok) {
    if (sent.error.status === 429) {
      const retryAfter = sent.error.retryAfter ?? 60;
      c.header('Retry-After', String(retryAfter));
      const at = new Date(deps.now().getTime() + retryAfter * 1000);
      return c.html(<RateLimitedPage retryAfter={retryAfter} at={at} ticket={ticket} masked={maskEmail(email)} next={next} />, 429);
    }
    return c.html(<>{problemPage(`We could not send a link: ${sent.error.message}`)}</>, 400);
  }
  setVerifierCookie(c, deps, verifier);
  return c.redirect(`/sign-in/sent?${new URLSearchParams({ ticket })}`, 303);
}

// The URL behind the button of a sign-in email, built from PUBLIC_BASE_URL when the mail is sent.
import type { MagicLinkMail } from '../../contracts/auth';

export type LinkStyle = 'verify' | 'token_hash';

/**
 * verify: `<base>/auth/v1/verify?token=…&type=…&redirect_to=…` (Supabase's default template), which ends at
 * `redirect_to?code=…` (PKCE) or `redirect_to#access_token=…` (implicit) after the person presses the button.
 * token_hash: `<base>/auth/confirm?token_hash=…&type=email&next=…` (Supabase's server-side template); used only
 * when redirect_to is on this site, because the session then lives here.
 */
export function signInLink(baseUrl: string, style: LinkStyle, mail: MagicLinkMail): string {
  const base = baseUrl.replace(/\/+$/, '');
  const target = new URL(mail.redirect_to);
  if (style === 'token_hash' && target.origin === new URL(base).origin) {
    const next = target.pathname === '/auth/confirm' ? target.searchParams.get('next') : `${target.pathname}${target.search}`;
    const query = new URLSearchParams({ token_hash: mail.token, type: 'email' });
    if (next) query.set('next', next);
    return `${base}/auth/confirm?${query}`;
  }
  const query = new URLSearchParams({ token: mail.token, type: mail.type, redirect_to: mail.redirect_to });
  return `${base}/auth/v1/verify?${query}`;
}

// The identity provider behind this site's own pages: the built-in one, or a Supabase project over HTTP.
import type { AuthSession, AuthUser, EmailOtpType } from '../contracts/auth';
import { otpHint } from '../store/auth';
import { ok, type Outcome } from '../core/auth/errors';
import * as gotrue from './gotrue';
import { hashSecret } from '../core/auth/tokens';

export interface SendLinkInput {
  email: string;
  redirectTo: string;
  codeChallenge: string;
  ip: string | null;
  /** Why the link is sent: the email's subject and words differ for a new subscription. */
  intent?: LinkIntent;
}

export type LinkIntent = 'sign-in' | 'subscribe';

export interface SignInProvider {
  kind: 'builtin' | 'supabase';
  sendLink(input: SendLinkInput): Promise<Outcome<unknown>>;
  exchangeCode(code: string, verifier: string): Promise<Outcome<AuthSession>>;
  verifyTokenHash(tokenHash: string, type: EmailOtpType): Promise<Outcome<AuthSession>>;
  /** `client` (the visitor's address) scopes the limit on wrong guesses, so one client cannot lock out another. */
  verifyCode(email: string, code: string, client?: string | null): Promise<Outcome<AuthSession>>;
  getUser(accessToken: string): Promise<Outcome<AuthUser>>;
  logout(accessToken: string): Promise<void>;
  /** The address a live link would sign in, without using it; null when unknown (or not knowable). */
  peekEmail(tokenHash: string): Promise<string | null>;
  /** The address a link was sent to, even once it is used or expired; null when unknown. */
  hintEmail(tokenHash: string): Promise<string | null>;
}

/** The built-in provider, called in-process (no HTTP round trip to ourselves). */
export function builtinProvider(deps: gotrue.GoTrueDeps): SignInProvider {
  const sessionFrom = async (record: Outcome<{ user_id: string; data?: Record<string, unknown> | null }>): Promise<Outcome<AuthSession>> =>
    record.ok ? gotrue.startSession(deps, record.value.user_id, record.value.data ?? null) : record;
  return {
    kind: 'builtin',
    sendLink: (input) =>
      gotrue.requestLink(
        deps,
        { email: input.email, create_user: true, code_challenge: input.codeChallenge, code_challenge_method: 's256' },
        { redirectTo: input.redirectTo, ip: input.ip, intent: input.intent },
      ),
    exchangeCode: (code, verifier) => gotrue.exchangeCode(deps, code, verifier),
    verifyTokenHash: async (tokenHash) => sessionFrom(await gotrue.consumeLink(deps, tokenHash)),
    verifyCode: async (email, code, client) => sessionFrom(await gotrue.consumeCode(deps, email, code, client ?? null)),
    async getUser(accessToken) {
      const who = await gotrue.authenticate(deps, `Bearer ${accessToken}`);
      return who.ok ? ok(who.value.user) : who;
    },
    async logout(accessToken) {
      // An access token that has expired still names its session (the signature is checked): revoke it anyway.
      await gotrue.revokeByAccessToken(deps, accessToken);
    },
    async peekEmail(tokenHash) {
      return (await gotrue.peekLink(deps, tokenHash))?.email ?? null;
    },
    async hintEmail(tokenHash) {
      return otpHint(deps.db, await hashSecret(tokenHash));
    },
  };
}

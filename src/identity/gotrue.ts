// The built-in identity provider: Supabase Auth's magic-link protocol on Redis (links, codes, PKCE, sessions).
import type { AuthSession, AuthUser, MagicLinkMail, OtpRequest } from '../contracts/auth';
import type { Config } from '../env';
import {
  appendMailRequest,
  consumeFlowCode,
  consumeOtp,
  consumeOtpByCode,
  createAuthUser,
  createSession,
  findUserByEmail,
  getAuthUser,
  getSession,
  peekOtp,
  revokeSession,
  refreshTokenFor,
  refreshTokenSession,
  revokeUserSessions,
  rotateRefreshToken,
  saveAuthUser,
  saveFlowCode,
  saveOtp,
  returnRateLimit,
  takeRateLimit,
  type OtpRecord,
} from '../store/auth';
import type { Db } from '../store/keys';
import { sha256Hex } from '../core/encoding';
import { authFailures, fail, ok, type Outcome } from '../core/auth/errors';
import { signJwt, verifyJwt, type AccessClaims } from '../core/auth/jwt';
import { checkRedirect } from '../core/auth/redirects';
import { seal } from '../core/auth/sealed';
import { takeSendLimit } from './send-limit';
import { hashCode, hashSecret, randomToken, sixDigitCode, verifierMatches } from '../core/auth/tokens';

export interface GoTrueDeps {
  db: Db;
  config: Config;
  now: () => Date;
}

/** The sealing purpose of mail requests on the stream (the worker opens them with the same). */
export const MAIL_SEAL_PURPOSE = 'auth-mail';

/** Wrong 6-digit codes allowed per (address, client) per link lifetime: 5 guesses in 1,000,000. */
const CODE_ATTEMPTS = 5;
/** Wrong codes allowed per address per link lifetime from all clients together: 50 in 1,000,000. */
const CODE_ATTEMPTS_PER_ADDRESS = 50;

export interface LinkRequestMeta {
  redirectTo: string | null;
  ip: string | null;
  /** A subscribe form's request gets a "confirm your subscription" email; anything else a sign-in email. */
  intent?: 'sign-in' | 'subscribe';
}

/** POST /otp: send a link (and code) to the address. The answer is the same whether or not the address has an account. */
export async function requestLink(deps: GoTrueDeps, body: OtpRequest, meta: LinkRequestMeta): Promise<Outcome<Record<string, never>>> {
  const { config, db } = deps;
  const redirect = checkRedirect(meta.redirectTo ?? config.PUBLIC_BASE_URL, {
    baseUrl: config.PUBLIC_BASE_URL,
    patterns: config.AUTH_REDIRECT_ALLOW_LIST,
  });
  if (!redirect.ok) return fail(authFailures.redirectRefused(meta.redirectTo ?? '', redirect.reason));

  const limited = await takeSendLimit(deps, body.email, meta.ip);
  if (limited) return fail(limited);

  const now = deps.now();
  let user = await findUserByEmail(db, body.email);
  // Metadata is not stored with a new account: whoever asked may not own the address. It waits in the link record.
  if (!user && body.create_user) user = await createAuthUser(db, newUser(body.email, {}, now));
  // No enumeration: an unknown address with create_user=false gets the same 200 and no mail, after the same
  // work (records and a mail request that lead nowhere), so neither the answer nor its timing tells.
  const real = user !== null;
  const target = user ?? newUser(body.email, {}, now);

  const pkce = !!body.code_challenge;
  const token = (pkce ? 'pkce_' : '') + randomToken(16);
  const tokenHash = await hashSecret(token);
  const expiresAt = now.getTime() + config.AUTH_LINK_TTL_SECONDS * 1000;
  const type = target.email_confirmed_at ? 'magiclink' : 'signup';
  let code = '';
  for (let attempt = 0; attempt < 5 && !code; attempt++) {
    const candidate = sixDigitCode();
    const record: OtpRecord = {
      user_id: real ? target.id : '',
      email: target.email,
      type,
      code_challenge: body.code_challenge ?? null,
      code_challenge_method: body.code_challenge_method ?? null,
      redirect_to: redirect.url,
      // A stand-in's code is hashed under another name, so no guess for the address can ever reach its record.
      code_hash: await hashCode(real ? target.email : `no-account:${randomToken(16)}`, candidate),
      created_at: now.getTime(),
      expires_at: expiresAt,
      data: type === 'signup' ? (body.data ?? null) : null,
    };
    // A code already live for this address (1 in a million per attempt) is drawn again.
    if (await saveOtp(db, tokenHash, record, config.AUTH_LINK_TTL_SECONDS)) code = candidate;
  }
  if (!code) throw new Error('could not draw a 6-digit code unused for this address after 5 attempts');

  const mail: MagicLinkMail = {
    email: target.email,
    type,
    token,
    code,
    redirect_to: redirect.url,
    pkce,
    expires_at: Math.floor(expiresAt / 1000),
    intent: meta.intent ?? 'sign-in',
    ...(real ? {} : { no_account: true }),
  };
  await appendMailRequest(db, await seal(mail, config.authJwtSecret, MAIL_SEAL_PURPOSE));
  return ok({});
}

function newUser(email: string, metadata: Record<string, unknown>, now: Date): AuthUser {
  const at = now.toISOString();
  return {
    id: crypto.randomUUID(),
    aud: 'authenticated',
    role: 'authenticated',
    email,
    email_confirmed_at: null,
    confirmed_at: null,
    last_sign_in_at: null,
    app_metadata: { provider: 'email', providers: ['email'] },
    user_metadata: metadata,
    created_at: at,
    updated_at: at,
  };
}

/** A link record if the token is live, without using it: for pages a scanner may fetch. */
export async function peekLink(deps: GoTrueDeps, token: string): Promise<OtpRecord | null> {
  const record = await peekOtp(deps.db, await hashSecret(token));
  return record && record.expires_at > deps.now().getTime() ? record : null;
}

/** Use a link token up (the one step that changes state). */
export async function consumeLink(deps: GoTrueDeps, token: string): Promise<Outcome<OtpRecord>> {
  const record = await consumeOtp(deps.db, await hashSecret(token));
  if (!record || record.expires_at <= deps.now().getTime()) return fail(authFailures.otpExpired());
  return ok(record);
}

/**
 * Use a link up through its 6-digit code. Wrong guesses are limited per (address, client), so a stranger's
 * guesses do not lock the person out of their own code; and per address overall, so many clients together
 * still get only CODE_ATTEMPTS_PER_ADDRESS guesses. The link in the email works whatever happened to codes.
 */
export async function consumeCode(
  deps: GoTrueDeps,
  email: string,
  code: string,
  client: string | null = null,
): Promise<Outcome<OtpRecord>> {
  // Counted before the lookup (so parallel guesses cannot slip past the limit), given back when the code is right.
  const address = await sha256Hex(email.toLowerCase());
  const buckets = [`code-attempts:${address}:${await sha256Hex(client ?? 'unknown-client')}`, `code-attempts-all:${address}`];
  const window = deps.config.AUTH_LINK_TTL_SECONDS;
  const wait = await takeRateLimit(deps.db, [
    { bucket: buckets[0]!, limit: CODE_ATTEMPTS, windowSeconds: window },
    { bucket: buckets[1]!, limit: CODE_ATTEMPTS_PER_ADDRESS, windowSeconds: window },
  ]);
  if (wait > 0) return fail(authFailures.requestRateLimit(Math.ceil(wait / 1000)));
  const record = await consumeOtpByCode(deps.db, await hashCode(email, code));
  if (!record || record.expires_at <= deps.now().getTime()) return fail(authFailures.otpExpired());
  for (const bucket of buckets) await returnRateLimit(deps.db, bucket);
  return ok(record);
}

/** After a PKCE link is used: an auth code for `redirect_to?code=`, exchangeable once with the verifier. */
export async function issueFlowCode(deps: GoTrueDeps, record: OtpRecord): Promise<string> {
  const code = crypto.randomUUID();
  await saveFlowCode(
    deps.db,
    await hashSecret(code),
    {
      user_id: record.user_id,
      code_challenge: record.code_challenge!,
      code_challenge_method: record.code_challenge_method ?? 's256',
      expires_at: deps.now().getTime() + deps.config.AUTH_CODE_TTL_SECONDS * 1000,
      data: record.data ?? null,
    },
    deps.config.AUTH_CODE_TTL_SECONDS,
  );
  return code;
}

/** POST /token?grant_type=pkce. */
export async function exchangeCode(deps: GoTrueDeps, authCode: string, verifier: string): Promise<Outcome<AuthSession>> {
  const flow = await consumeFlowCode(deps.db, await hashSecret(authCode));
  if (!flow) return fail(authFailures.flowStateNotFound());
  if (flow.expires_at <= deps.now().getTime()) return fail(authFailures.flowStateExpired());
  if (!(await verifierMatches(verifier, flow.code_challenge, flow.code_challenge_method))) return fail(authFailures.badCodeVerifier());
  return startSession(deps, flow.user_id, flow.data ?? null);
}

/**
 * A new session for the user of a used link or code; the first one confirms the address, and only then does
 * the metadata of the request behind that link become the user's (an address already confirmed keeps its own).
 */
export async function startSession(
  deps: GoTrueDeps,
  userId: string,
  pendingMetadata: Record<string, unknown> | null = null,
): Promise<Outcome<AuthSession>> {
  const user = userId ? await getAuthUser(deps.db, userId) : null;
  if (!user) return fail(authFailures.otpExpired());
  const at = deps.now().toISOString();
  const metadata = !user.email_confirmed_at && pendingMetadata ? pendingMetadata : user.user_metadata;
  const signedIn: AuthUser = {
    ...user,
    user_metadata: metadata,
    email_confirmed_at: user.email_confirmed_at ?? at,
    confirmed_at: user.confirmed_at ?? at,
    last_sign_in_at: at,
    updated_at: at,
  };
  await saveAuthUser(deps.db, signedIn);
  const sessionId = crypto.randomUUID();
  const refreshToken = refreshTokenFor(sessionId, randomToken(16));
  await createSession(
    deps.db,
    { id: sessionId, user_id: user.id, created_at: deps.now().getTime() },
    await hashSecret(refreshToken),
    deps.config.AUTH_SESSION_TTL_SECONDS,
  );
  return ok(await sessionJson(deps, signedIn, sessionId, refreshToken));
}

async function sessionJson(deps: GoTrueDeps, user: AuthUser, sessionId: string, refreshToken: string): Promise<AuthSession> {
  const iat = Math.floor(deps.now().getTime() / 1000);
  const expiresIn = deps.config.AUTH_ACCESS_TOKEN_TTL_SECONDS;
  const claims: AccessClaims = {
    iss: `${deps.config.PUBLIC_BASE_URL}/auth/v1`,
    sub: user.id,
    aud: 'authenticated',
    exp: iat + expiresIn,
    iat,
    email: user.email,
    role: 'authenticated',
    aal: 'aal1',
    amr: [{ method: 'otp', timestamp: iat }],
    session_id: sessionId,
    is_anonymous: false,
    app_metadata: user.app_metadata,
    user_metadata: user.user_metadata,
  };
  return {
    access_token: await signJwt(claims, deps.config.authJwtSecret),
    token_type: 'bearer',
    expires_in: expiresIn,
    expires_at: iat + expiresIn,
    refresh_token: refreshToken,
    user,
  };
}

/** POST /token?grant_type=refresh_token: rotate. A token presented twice revokes its session (it was copied). */
export async function refreshSession(deps: GoTrueDeps, refreshToken: string): Promise<Outcome<AuthSession>> {
  const sessionId = refreshTokenSession(refreshToken);
  if (!sessionId) return fail(authFailures.refreshNotFound());
  const next = refreshTokenFor(sessionId, randomToken(16));
  const rotated = await rotateRefreshToken(
    deps.db,
    sessionId,
    await hashSecret(refreshToken),
    await hashSecret(next),
    deps.config.AUTH_SESSION_TTL_SECONDS,
  );
  if (rotated.status === 'missing' || rotated.status === 'revoked') return fail(authFailures.refreshNotFound());
  const session = await getSession(deps.db, rotated.sessionId);
  if (rotated.status === 'reused') {
    if (session) await revokeSession(deps.db, session);
    return fail(authFailures.refreshReused());
  }
  const user = session ? await getAuthUser(deps.db, session.user_id) : null;
  if (!session || !user) return fail(authFailures.refreshNotFound());
  return ok(await sessionJson(deps, user, session.id, next));
}

export interface Authenticated {
  user: AuthUser;
  claims: AccessClaims;
}

/** Check a Bearer access token: signature, expiry, and that its session was not revoked. */
export async function authenticate(deps: GoTrueDeps, authorization: string | undefined): Promise<Outcome<Authenticated>> {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!match) return fail(authFailures.noAuthorization());
  const verified = await verifyJwt(match[1]!, deps.config.authJwtSecret, Math.floor(deps.now().getTime() / 1000));
  if (!verified.ok)
    return fail(authFailures.badJwt(verified.reason === 'expired' ? 'token is expired' : verified.reason.replace('_', ' ')));
  const session = await getSession(deps.db, verified.claims.session_id);
  if (!session || session.user_id !== verified.claims.sub) return fail(authFailures.sessionNotFound());
  const user = await getAuthUser(deps.db, verified.claims.sub);
  if (!user) return fail(authFailures.userNotFound());
  return ok({ user, claims: verified.claims });
}

export type LogoutScope = 'global' | 'local' | 'others';

/** POST /logout: revoke this session, every session of the user, or all the others. */
export async function logout(deps: GoTrueDeps, who: Authenticated, scope: LogoutScope): Promise<void> {
  const sessionId = who.claims.session_id;
  if (scope === 'local') {
    const session = await getSession(deps.db, sessionId);
    if (session) await revokeSession(deps.db, session);
  } else {
    await revokeUserSessions(deps.db, who.user.id, scope === 'others' ? sessionId : undefined);
  }
}

/** Revoke the session an access token names, even after the token expired (its signature must still be good). */
export async function revokeByAccessToken(deps: GoTrueDeps, accessToken: string): Promise<void> {
  const verified = await verifyJwt(accessToken, deps.config.authJwtSecret, Number.NEGATIVE_INFINITY);
  if (!verified.ok) return;
  const session = await getSession(deps.db, verified.claims.session_id);
  if (session && session.user_id === verified.claims.sub) await revokeSession(deps.db, session);
}

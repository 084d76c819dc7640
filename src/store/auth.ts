// Sign-in state in Redis: users, one-time link records (hashes only), PKCE codes, sessions, refresh tokens,
// rate-limit counters and the mail hand-off stream. Plain Redis commands and Lua, so Node and Workers share it.
import { authUserSchema, type AuthUser } from '../contracts/auth';
import type { Db } from './keys';
import { scriptCommand } from './script-command';

export interface OtpRecord {
  user_id: string;
  email: string;
  type: 'signup' | 'magiclink';
  /** Present for PKCE requests: the verify step then yields an auth code rather than a session. */
  code_challenge: string | null;
  code_challenge_method: 's256' | 'plain' | null;
  redirect_to: string;
  code_hash: string;
  created_at: number;
  expires_at: number;
  /** User metadata sent with the request; applied only if this link is what confirms the address. */
  data?: Record<string, unknown> | null;
}

export interface FlowCodeRecord {
  user_id: string;
  code_challenge: string;
  code_challenge_method: 's256' | 'plain';
  expires_at: number;
  /** The link's user metadata, carried to the session it starts. */
  data?: Record<string, unknown> | null;
}

export interface SessionRecord {
  id: string;
  user_id: string;
  created_at: number;
}

export interface SiteSession {
  user_id: string;
  email: string;
  provider: 'builtin' | 'supabase';
  access_token: string;
  refresh_token: string;
  expires_at: number;
  created_at: number;
}

/** Hints outlive their link so an expired or used link can still offer "send a new link". */
const HINT_TTL_SECONDS = 86_400;
/** Records stay a little past their logical expiry so "expired" can be told apart from "never existed". */
const GRACE_SECONDS = 600;

// ── users ────────────────────────────────────────────────────────────────────

export async function findUserByEmail(db: Db, email: string): Promise<AuthUser | null> {
  const id = await db.redis.hget(db.keys.authUsersByEmail, email.toLowerCase());
  // The second read happens for an unknown address too, so the work does not tell whether the address has an account.
  const raw = await db.redis.hget(db.keys.authUsers, id ?? '');
  return id && raw ? authUserSchema.parse(JSON.parse(raw)) : null;
}

export async function getAuthUser(db: Db, id: string): Promise<AuthUser | null> {
  const raw = await db.redis.hget(db.keys.authUsers, id);
  return raw ? authUserSchema.parse(JSON.parse(raw)) : null;
}

/** Create the user unless the address already has one; either way return the stored user. */
export async function createAuthUser(db: Db, user: AuthUser): Promise<AuthUser> {
  const claimed = await db.redis.hsetnx(db.keys.authUsersByEmail, user.email, user.id);
  if (claimed === 0) {
    const existing = await findUserByEmail(db, user.email);
    if (existing) return existing;
  }
  await db.redis.hset(db.keys.authUsers, user.id, JSON.stringify(user));
  return user;
}

export async function saveAuthUser(db: Db, user: AuthUser): Promise<void> {
  await db.redis.hset(db.keys.authUsers, user.id, JSON.stringify(user));
}

// ── one-time link records ────────────────────────────────────────────────────

/** Store a link record under its token hash and its code hash. False when that code is already live for the address. */
export async function saveOtp(db: Db, tokenHash: string, record: OtpRecord, ttlSeconds: number): Promise<boolean> {
  const codeSet = await db.redis.set(db.keys.authOtpCode(record.code_hash), tokenHash, 'EX', ttlSeconds + GRACE_SECONDS, 'NX');
  if (codeSet !== 'OK') return false;
  await db.redis
    .multi()
    .set(db.keys.authOtp(tokenHash), JSON.stringify(record), 'EX', ttlSeconds + GRACE_SECONDS)
    .set(db.keys.authOtpHint(tokenHash), record.email, 'EX', HINT_TTL_SECONDS)
    .exec();
  return true;
}

/** Read a link record without using it up: what a GET (or a mail scanner) may do. */
export async function peekOtp(db: Db, tokenHash: string): Promise<OtpRecord | null> {
  const raw = await db.redis.get(db.keys.authOtp(tokenHash));
  return raw ? (JSON.parse(raw) as OtpRecord) : null;
}

/** Use a link record up: GETDEL is atomic, so of two concurrent presses exactly one gets the record. */
export async function consumeOtp(db: Db, tokenHash: string): Promise<OtpRecord | null> {
  const raw = await db.redis.getdel(db.keys.authOtp(tokenHash));
  if (!raw) return null;
  const record = JSON.parse(raw) as OtpRecord;
  await db.redis.del(db.keys.authOtpCode(record.code_hash));
  return record;
}

/** Use a link record up through its 6-digit code. */
export async function consumeOtpByCode(db: Db, codeHash: string): Promise<OtpRecord | null> {
  const tokenHash = await db.redis.getdel(db.keys.authOtpCode(codeHash));
  return tokenHash ? consumeOtp(db, tokenHash) : null;
}

/** The address a link was sent to, kept for a day after the link itself is gone. */
export async function otpHint(db: Db, tokenHash: string): Promise<string | null> {
  return db.redis.get(db.keys.authOtpHint(tokenHash));
}

// ── PKCE auth codes ──────────────────────────────────────────────────────────

export async function saveFlowCode(db: Db, codeHash: string, record: FlowCodeRecord, ttlSeconds: number): Promise<void> {
  await db.redis.set(db.keys.authFlowCode(codeHash), JSON.stringify(record), 'EX', ttlSeconds + GRACE_SECONDS);
}

export async function consumeFlowCode(db: Db, codeHash: string): Promise<FlowCodeRecord | null> {
  const raw = await db.redis.getdel(db.keys.authFlowCode(codeHash));
  return raw ? (JSON.parse(raw) as FlowCodeRecord) : null;
}

// ── provider sessions and refresh tokens ─────────────────────────────────────

export async function createSession(db: Db, session: SessionRecord, refreshHash: string, ttlSeconds: number): Promise<void> {
  await db.redis
    .multi()
    .set(db.keys.authSession(session.id), JSON.stringify(session), 'EX', ttlSeconds)
    .sadd(db.keys.authUserSessions(session.user_id), session.id)
    // The index lives as long as the newest session, so ids of sessions that expired on their own do not pile up forever.
    .expire(db.keys.authUserSessions(session.user_id), ttlSeconds)
    .set(db.keys.authRefresh(refreshHash), session.id, 'EX', ttlSeconds)
    .exec();
}

export async function getSession(db: Db, id: string): Promise<SessionRecord | null> {
  const raw = await db.redis.get(db.keys.authSession(id));
  return raw ? (JSON.parse(raw) as SessionRecord) : null;
}

// Rotation in one step (scripts/rotate-refresh-token.lua): the old token is taken, remembered as used, the new
// one stored, the session extended.
const rotateRefreshCommand = scriptCommand<[string, string]>('rotate-refresh-token');

export type RotateResult = { status: 'ok' | 'reused' | 'revoked'; sessionId: string } | { status: 'missing' };

export async function rotateRefreshToken(db: Db, oldHash: string, newHash: string, ttlSeconds: number): Promise<RotateResult> {
  const keys = [db.keys.authRefresh(oldHash), db.keys.authRefreshUsed(oldHash), db.keys.authRefresh(newHash)];
  // The script may touch only keys it is given, so the session is looked up first; should the old token name
  // another session by the time the script runs, it says so and the rotation is asked again with that one.
  let expected = await db.redis.get(keys[0]!);
  for (let attempt = 0; attempt < 3; attempt++) {
    const sessionKeys = expected ? [db.keys.authSession(expected)] : [];
    const [status, sessionId] = await rotateRefreshCommand(db.redis, [...keys, ...sessionKeys], [expected ?? '', String(ttlSeconds)]);
    if (status === 'changed') {
      expected = sessionId;
      continue;
    }
    if (status === 'missing') return { status: 'missing' };
    return { status: status as 'ok' | 'reused' | 'revoked', sessionId };
  }
  throw new Error('refresh token rotation: the token kept changing while it was rotated');
}

export async function revokeSession(db: Db, session: SessionRecord): Promise<void> {
  await db.redis.multi().del(db.keys.authSession(session.id)).srem(db.keys.authUserSessions(session.user_id), session.id).exec();
}

/** Revoke every session of a user, or every one but `keep` (logout scope "others"). */
export async function revokeUserSessions(db: Db, userId: string, keep?: string): Promise<void> {
  const ids = (await db.redis.smembers(db.keys.authUserSessions(userId))).filter((id) => id !== keep);
  if (ids.length === 0) return;
  await db.redis
    .multi()
    .del(...ids.map((id) => db.keys.authSession(id)))
    .srem(db.keys.authUserSessions(userId), ...ids)
    .exec();
}

// ── this site's cookie sessions ──────────────────────────────────────────────

export async function saveSiteSession(db: Db, id: string, session: SiteSession, ttlSeconds: number): Promise<void> {
  await db.redis
    .multi()
    .set(db.keys.authSiteSession(id), JSON.stringify(session), 'EX', ttlSeconds)
    // Indexed by user, so deleting an account signs every browser out; the index lives as long as the newest session.
    .sadd(db.keys.authUserSiteSessions(session.user_id), id)
    .expire(db.keys.authUserSiteSessions(session.user_id), ttlSeconds)
    .exec();
}

/** End every cookie session of a user (account deletion). */
export async function deleteUserSiteSessions(db: Db, userId: string): Promise<void> {
  const ids = await db.redis.smembers(db.keys.authUserSiteSessions(userId));
  const tx = db.redis.multi().del(db.keys.authUserSiteSessions(userId));
  for (const id of ids) tx.del(db.keys.authSiteSession(id));
  await tx.exec();
}

/** Remove a user and every trace of their sign-in: sessions, refresh tokens stay unusable (their sessions are gone). */
export async function deleteAuthUser(db: Db, user: AuthUser): Promise<void> {
  await revokeUserSessions(db, user.id);
  await deleteUserSiteSessions(db, user.id);
  await db.redis
    .multi()
    .hdel(db.keys.authUsers, user.id)
    .hdel(db.keys.authUsersByEmail, user.email.toLowerCase())
    .del(db.keys.authUserSessions(user.id))
    .exec();
}

export async function getSiteSession(db: Db, id: string): Promise<SiteSession | null> {
  const raw = await db.redis.get(db.keys.authSiteSession(id));
  return raw ? (JSON.parse(raw) as SiteSession) : null;
}

export async function deleteSiteSession(db: Db, id: string): Promise<SiteSession | null> {
  const raw = await db.redis.getdel(db.keys.authSiteSession(id));
  return raw ? (JSON.parse(raw) as SiteSession) : null;
}

// ── rate limits ──────────────────────────────────────────────────────────────

// Fixed windows, all checked before any is counted, in one script (scripts/take-rate-limit.lua): a refused
// request does not use up a slot.
const takeRateLimitCommand = scriptCommand<number>('take-rate-limit');

export interface RateRule {
  bucket: string;
  limit: number;
  windowSeconds: number;
}

/** Count one attempt against every rule, or none if any rule is exhausted. Returns milliseconds to wait (0 = allowed). */
export async function takeRateLimit(db: Db, rules: RateRule[]): Promise<number> {
  const active = rules.filter((r) => r.windowSeconds > 0);
  if (active.length === 0) return 0;
  const wait = await takeRateLimitCommand(
    db.redis,
    active.map((r) => db.keys.authRate(r.bucket)),
    active.flatMap((r) => [String(r.limit), String(r.windowSeconds * 1000)]),
  );
  return Number(wait);
}

/** Give back one attempt (a correct code should not count against the person). */
export async function returnRateLimit(db: Db, bucket: string): Promise<void> {
  await db.redis.decr(db.keys.authRate(bucket));
}

// ── mail hand-off to the workers ─────────────────────────────────────────────

/** Append a sealed mail request for the workers; the stream is capped so a flood cannot fill Redis. */
export async function appendMailRequest(db: Db, sealed: string): Promise<string> {
  return (await db.redis.xadd(db.keys.authMail, 'MAXLEN', '~', '100000', '*', 'kind', 'magic-link', 'sealed', sealed)) as string;
}

// Sign-in state in Redis: users, one-time link records (hashes only), PKCE codes, sessions, refresh tokens,
// rate-limit counters and the mail hand-off stream. Plain Redis commands and Lua, so Node and Workers share it.
import { authUserSchema, type AuthUser } from '../contracts/auth';
import { rateTag, type Db } from './keys';
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
  const raw = await db.redis.get(db.keys.authUser(id ?? ''));
  return id && raw ? authUserSchema.parse(JSON.parse(raw)) : null;
}

export async function getAuthUser(db: Db, id: string): Promise<AuthUser | null> {
  const raw = await db.redis.get(db.keys.authUser(id));
  return raw ? authUserSchema.parse(JSON.parse(raw)) : null;
}

/** Create the user unless the address already has one; either way return the stored user. */
export async function createAuthUser(db: Db, user: AuthUser): Promise<AuthUser> {
  const claimed = await db.redis.hsetnx(db.keys.authUsersByEmail, user.email, user.id);
  if (claimed === 0) {
    const existing = await findUserByEmail(db, user.email);
    if (existing) return existing;
    // The address points at a user whose record is gone (a deletion cut off between its two steps): it is this one's now.
    await db.redis.hset(db.keys.authUsersByEmail, user.email, user.id);
  }
  await db.redis.set(db.keys.authUser(user.id), JSON.stringify(user));
  return user;
}

export async function saveAuthUser(db: Db, user: AuthUser): Promise<void> {
  await db.redis.set(db.keys.authUser(user.id), JSON.stringify(user));
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
  // The user's index first (its own slot, {u:…}): a crash in between leaves an id that names nothing, which is harmless.
  // The index lives as long as the newest session, so ids of sessions that expired on their own do not pile up forever.
  await db.redis
    .multi()
    .sadd(db.keys.authUserSessions(session.user_id), session.id)
    .expire(db.keys.authUserSessions(session.user_id), ttlSeconds)
    .exec();
  await db.redis
    .multi()
    .set(db.keys.authSession(session.id), JSON.stringify(session), 'EX', ttlSeconds)
    .set(db.keys.authRefresh(session.id, refreshHash), session.id, 'EX', ttlSeconds)
    .exec();
}

export async function getSession(db: Db, id: string): Promise<SessionRecord | null> {
  const raw = await db.redis.get(db.keys.authSession(id));
  return raw ? (JSON.parse(raw) as SessionRecord) : null;
}

/** A refresh token names its session ("<session id>.<secret>"), so its keys share the session's slot. */
export function refreshTokenFor(sessionId: string, secret: string): string {
  return `${sessionId}.${secret}`;
}

/** The session a refresh token names, or null for a token of another shape. */
export function refreshTokenSession(token: string): string | null {
  const dot = token.indexOf('.');
  return dot > 0 && /^[0-9a-f-]{36}$/.test(token.slice(0, dot)) ? token.slice(0, dot) : null;
}

// Rotation in one step (scripts/rotate-refresh-token.lua): the old token is taken, remembered as used, the new
// one stored, the session extended.
const rotateRefreshCommand = scriptCommand<[string, string]>('rotate-refresh-token');

export type RotateResult = { status: 'ok' | 'reused' | 'revoked'; sessionId: string } | { status: 'missing' };

export async function rotateRefreshToken(
  db: Db,
  sessionId: string,
  oldHash: string,
  newHash: string,
  ttlSeconds: number,
): Promise<RotateResult> {
  const keys = [
    db.keys.authRefresh(sessionId, oldHash),
    db.keys.authRefreshUsed(sessionId, oldHash),
    db.keys.authRefresh(sessionId, newHash),
    db.keys.authSession(sessionId),
  ];
  const [status, id] = await rotateRefreshCommand(db.redis, keys, [sessionId, String(ttlSeconds)]);
  if (status === 'missing') return { status: 'missing' };
  return { status: status as 'ok' | 'reused' | 'revoked', sessionId: id };
}

export async function revokeSession(db: Db, session: SessionRecord): Promise<void> {
  // The session first: once it is gone no token of it works; the index entry is only bookkeeping.
  await db.redis.del(db.keys.authSession(session.id));
  await db.redis.srem(db.keys.authUserSessions(session.user_id), session.id);
}

/** Revoke every session of a user, or every one but `keep` (logout scope "others"). */
export async function revokeUserSessions(db: Db, userId: string, keep?: string): Promise<void> {
  const ids = (await db.redis.smembers(db.keys.authUserSessions(userId))).filter((id) => id !== keep);
  if (ids.length === 0) return;
  // Each session sits in a slot of its own: one DEL each (sent together), then the index.
  await Promise.all(ids.map((id) => db.redis.del(db.keys.authSession(id))));
  await db.redis.srem(db.keys.authUserSessions(userId), ...ids);
}

// ── this site's cookie sessions ──────────────────────────────────────────────

export async function saveSiteSession(db: Db, id: string, session: SiteSession, ttlSeconds: number): Promise<void> {
  // Indexed by user, so deleting an account signs every browser out; the index lives as long as the newest session.
  // The index first (its own slot): a crash in between leaves an id that names nothing.
  await db.redis
    .multi()
    .sadd(db.keys.authUserSiteSessions(session.user_id), id)
    .expire(db.keys.authUserSiteSessions(session.user_id), ttlSeconds)
    .exec();
  await db.redis.set(db.keys.authSiteSession(id), JSON.stringify(session), 'EX', ttlSeconds);
}

/** End every cookie session of a user (account deletion). */
export async function deleteUserSiteSessions(db: Db, userId: string): Promise<void> {
  const ids = await db.redis.smembers(db.keys.authUserSiteSessions(userId));
  await Promise.all(ids.map((id) => db.redis.del(db.keys.authSiteSession(id))));
  await db.redis.del(db.keys.authUserSiteSessions(userId));
}

/** Remove a user and every trace of their sign-in: sessions, refresh tokens stay unusable (their sessions are gone). */
export async function deleteAuthUser(db: Db, user: AuthUser): Promise<void> {
  await revokeUserSessions(db, user.id);
  await deleteUserSiteSessions(db, user.id);
  // Two slots on a cluster: the address is let go first, so a cut-off deletion leaves at most a record nobody finds.
  await db.redis.hdel(db.keys.authUsersByEmail, user.email.toLowerCase());
  await db.redis.del(db.keys.authUser(user.id));
  await db.redis.del(db.keys.authUserSessions(user.id));
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
  // One script per subject (an address, an IP), each in its own slot: the address's windows are counted only if
  // none of them is used up, then the IP's. A refusal by the IP after the address counted costs the address one attempt.
  const bySubject = new Map<string, RateRule[]>();
  for (const rule of active) bySubject.set(rateTag(rule.bucket), [...(bySubject.get(rateTag(rule.bucket)) ?? []), rule]);
  for (const rules of bySubject.values()) {
    const wait = await takeRateLimitCommand(
      db.redis,
      rules.map((r) => db.keys.authRate(r.bucket)),
      rules.flatMap((r) => [String(r.limit), String(r.windowSeconds * 1000)]),
    );
    if (Number(wait) > 0) return Number(wait);
  }
  return 0;
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

// Refresh-token rotation in the store: each outcome, and the script touching only the keys it is given
// (the session key is named by the caller, never built inside the script).
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSession, revokeSession, rotateRefreshToken } from '../src/store/auth';
import { createKeys, type Db } from '../src/store/keys';
import { scriptCommand } from '../src/store/script-command';
import { randomId } from '../src/core/encoding';

const TTL = 3600;
let db: Db;
let prefix: string;

beforeAll(() => {
  prefix = `${randomId('t')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 14)}:`;
  db = { redis: new Redis(inject('redisUrl')), keys: createKeys(prefix) };
});

afterAll(async () => {
  const keys = await db.redis.keys(`${prefix}*`);
  if (keys.length) await db.redis.del(...keys);
  await db.redis.quit();
});

async function newSession(refreshHash: string) {
  const session = { id: randomId('s'), user_id: randomId('u'), created_at: Date.now() };
  await createSession(db, session, refreshHash, TTL);
  return session;
}

describe('refresh-token rotation', () => {
  it('moves the session to the new token, extends it, and remembers the old token as used', async () => {
    const session = await newSession('old-1');
    await db.redis.expire(db.keys.authSession(session.id), 60);
    expect(await rotateRefreshToken(db, 'old-1', 'new-1', TTL)).toEqual({ status: 'ok', sessionId: session.id });
    expect(await db.redis.get(db.keys.authRefresh('old-1'))).toBeNull();
    expect(await db.redis.get(db.keys.authRefresh('new-1'))).toBe(session.id);
    expect(await db.redis.get(db.keys.authRefreshUsed('old-1'))).toBe(session.id);
    expect(await db.redis.ttl(db.keys.authSession(session.id))).toBeGreaterThan(60);
  });

  it('tells a reused token from an unknown one, and a token of a revoked session', async () => {
    const session = await newSession('old-2');
    await rotateRefreshToken(db, 'old-2', 'new-2', TTL);
    expect(await rotateRefreshToken(db, 'old-2', 'new-2b', TTL)).toEqual({ status: 'reused', sessionId: session.id });
    expect(await rotateRefreshToken(db, 'never-issued', 'new-x', TTL)).toEqual({ status: 'missing' });
    await revokeSession(db, session);
    expect(await rotateRefreshToken(db, 'new-2', 'new-2c', TTL)).toEqual({ status: 'revoked', sessionId: session.id });
    expect(await db.redis.get(db.keys.authRefresh('new-2c'))).toBeNull();
  });

  it('touches nothing when the old token names another session than the caller read, and says which', async () => {
    const session = await newSession('old-3');
    const rotate = scriptCommand<[string, string]>('rotate-refresh-token');
    const stale = randomId('s');
    const keys = [db.keys.authRefresh('old-3'), db.keys.authRefreshUsed('old-3'), db.keys.authRefresh('new-3'), db.keys.authSession(stale)];
    expect(await rotate(db.redis, keys, [stale, String(TTL)])).toEqual(['changed', session.id]);
    expect(await db.redis.get(db.keys.authRefresh('old-3'))).toBe(session.id);
    expect(await db.redis.exists(db.keys.authRefresh('new-3'), db.keys.authRefreshUsed('old-3'))).toBe(0);
    // Without a session key at all (the caller read no session), it touches nothing either.
    expect(await rotate(db.redis, keys.slice(0, 3), ['', String(TTL)])).toEqual(['changed', session.id]);
    expect(await rotateRefreshToken(db, 'old-3', 'new-3', TTL)).toEqual({ status: 'ok', sessionId: session.id });
  });
});

// Refresh-token rotation in the store: each outcome, and every key of a rotation in the session's slot
// (a refresh token names its session, so the script is given every key it touches).
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSession, refreshTokenFor, refreshTokenSession, revokeSession, rotateRefreshToken } from '../src/store/auth';
import { createKeys, type Db } from '../src/store/keys';
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
    const s = session.id;
    await db.redis.expire(db.keys.authSession(s), 60);
    expect(await rotateRefreshToken(db, s, 'old-1', 'new-1', TTL)).toEqual({ status: 'ok', sessionId: s });
    expect(await db.redis.get(db.keys.authRefresh(s, 'old-1'))).toBeNull();
    expect(await db.redis.get(db.keys.authRefresh(s, 'new-1'))).toBe(s);
    expect(await db.redis.get(db.keys.authRefreshUsed(s, 'old-1'))).toBe(s);
    expect(await db.redis.ttl(db.keys.authSession(s))).toBeGreaterThan(60);
  });

  it('tells a reused token from an unknown one, and a token of a revoked session', async () => {
    const session = await newSession('old-2');
    const s = session.id;
    await rotateRefreshToken(db, s, 'old-2', 'new-2', TTL);
    expect(await rotateRefreshToken(db, s, 'old-2', 'new-2b', TTL)).toEqual({ status: 'reused', sessionId: s });
    expect(await rotateRefreshToken(db, s, 'never-issued', 'new-x', TTL)).toEqual({ status: 'missing' });
    await revokeSession(db, session);
    expect(await rotateRefreshToken(db, s, 'new-2', 'new-2c', TTL)).toEqual({ status: 'revoked', sessionId: s });
    expect(await db.redis.get(db.keys.authRefresh(s, 'new-2c'))).toBeNull();
  });

  it('a token presented under another session than its own is unknown, and nothing is touched', async () => {
    const session = await newSession('old-3');
    const other = randomId('s');
    expect(await rotateRefreshToken(db, other, 'old-3', 'new-3', TTL)).toEqual({ status: 'missing' });
    expect(await db.redis.get(db.keys.authRefresh(session.id, 'old-3'))).toBe(session.id);
    expect(await db.redis.exists(db.keys.authRefresh(other, 'new-3'), db.keys.authRefreshUsed(other, 'old-3'))).toBe(0);
  });

  it('names the session in the refresh token, and only a token of that shape', () => {
    const id = crypto.randomUUID();
    expect(refreshTokenSession(refreshTokenFor(id, 'secret'))).toBe(id);
    expect(refreshTokenSession('plain-old-token')).toBeNull();
    expect(refreshTokenSession('.secret')).toBeNull();
  });

  it("keeps every key of a rotation in the session's hash tag (one slot on a cluster)", () => {
    const tags = [db.keys.authRefresh('s1', 'a'), db.keys.authRefreshUsed('s1', 'a'), db.keys.authSession('s1')].map(
      (key) => /\{[^}]*\}/.exec(key)?.[0],
    );
    expect(new Set(tags)).toEqual(new Set(['{s:s1}']));
  });
});

import { describe, expect, it } from 'vitest';
import { toBase64Url, utf8 } from '../encoding';
import { signJwt, verifyJwt, type AccessClaims } from './jwt';

const secret = 'a-test-secret-of-at-least-32-characters!!';
const claims = (exp: number): AccessClaims => ({
  iss: 'http://x/auth/v1',
  sub: 'u1',
  email: 'a@x.com',
  aud: 'authenticated',
  role: 'authenticated',
  exp,
  iat: exp - 3600,
  session_id: 's1',
  aal: 'aal1',
  amr: [{ method: 'otp', timestamp: exp - 3600 }],
  is_anonymous: false,
  app_metadata: {},
  user_metadata: {},
});

describe('access tokens (HS256)', () => {
  it('round-trips its claims, and has the three parts the official client decodes', async () => {
    const token = await signJwt(claims(2000), secret);
    expect(token.split('.')).toHaveLength(3);
    expect(JSON.parse(atob(token.split('.')[0]!))).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(await verifyJwt(token, secret, 1000)).toEqual({ ok: true, claims: claims(2000) });
  });

  it('refuses an expired token, another secret, an altered payload and alg none', async () => {
    const token = await signJwt(claims(2000), secret);
    expect(await verifyJwt(token, secret, 2000)).toEqual({ ok: false, reason: 'expired' });
    expect(await verifyJwt(token, `${secret}x`, 1000)).toEqual({ ok: false, reason: 'bad_signature' });
    const [h, , sig] = token.split('.');
    const forged = `${h}.${toBase64Url(utf8(JSON.stringify({ ...claims(2000), sub: 'admin' })))}.${sig}`;
    expect(await verifyJwt(forged, secret, 1000)).toEqual({ ok: false, reason: 'bad_signature' });
    const none = `${toBase64Url(utf8('{"alg":"none"}'))}.${token.split('.')[1]}.`;
    expect((await verifyJwt(none, secret, 1000)).ok).toBe(false);
    expect(await verifyJwt('opaque', secret, 1000)).toEqual({ ok: false, reason: 'malformed' });
    expect((await verifyJwt(token, secret, Number.NEGATIVE_INFINITY)).ok).toBe(true);
  });
});

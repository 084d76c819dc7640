// Reader-page test helpers: a signed-in cookie without the email round trip (the sign-in flow has its own tests).
import { SESSION_COOKIE } from '../src/routes/auth/http';
import { saveSiteSession } from '../src/store/auth';
import type { Db } from '../src/store/keys';

/** Store a site session for this address and return its cookie, signed as hono's setSignedCookie signs it. */
export async function readerCookie(db: Db, secret: string, email: string, userId = `user-${email}`): Promise<string> {
  const id = `testsession${Math.random().toString(36).slice(2)}`;
  await saveSiteSession(
    db,
    id,
    { user_id: userId, email, provider: 'builtin', access_token: 'a', refresh_token: 'r', expires_at: 0, created_at: Date.now() },
    3600,
  );
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(id)));
  return `${SESSION_COOKIE}=${encodeURIComponent(`${id}.${btoa(String.fromCharCode(...mac))}`)}`;
}

// JSON Web Tokens signed with HMAC-SHA256 (HS256) on Web Crypto: the access tokens the official client decodes.
import { constantTimeEqual, fromBase64Url, fromUtf8, toBase64Url, utf8 } from '../encoding';

export interface AccessClaims {
  sub: string;
  email: string;
  aud: 'authenticated';
  role: 'authenticated';
  exp: number;
  iat: number;
  iss: string;
  session_id: string;
  aal: 'aal1';
  amr: Array<{ method: string; timestamp: number }>;
  is_anonymous: false;
  app_metadata: Record<string, unknown>;
  user_metadata: Record<string, unknown>;
}

export type JwtRejection = 'malformed' | 'bad_algorithm' | 'bad_signature' | 'expired' | 'bad_claims';
export type JwtResult = { ok: true; claims: AccessClaims } | { ok: false; reason: JwtRejection };

const header = toBase64Url(utf8(JSON.stringify({ alg: 'HS256', typ: 'JWT' })));
const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', utf8(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    keys.set(secret, key);
  }
  return key;
}

async function mac(secret: string, input: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign('HMAC', await hmacKey(secret), utf8(input)));
}

export async function signJwt(claims: AccessClaims, secret: string): Promise<string> {
  const body = `${header}.${toBase64Url(utf8(JSON.stringify(claims)))}`;
  return `${body}.${toBase64Url(await mac(secret, body))}`;
}

/** Check signature, algorithm and expiry; `nowSeconds` comes from the caller's clock (-Infinity skips the expiry check). */
export async function verifyJwt(token: string, secret: string, nowSeconds: number): Promise<JwtResult> {
  if (token.length > 8192) return { ok: false, reason: 'malformed' };
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed' };
  const [head, body, sig] = parts as [string, string, string];
  const headBytes = fromBase64Url(head);
  const bodyBytes = fromBase64Url(body);
  const sigBytes = fromBase64Url(sig);
  if (!headBytes || !bodyBytes || !sigBytes) return { ok: false, reason: 'malformed' };
  let parsedHead: unknown;
  let claims: unknown;
  try {
    parsedHead = JSON.parse(fromUtf8(headBytes));
    claims = JSON.parse(fromUtf8(bodyBytes));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  // Only HS256 is accepted: "alg: none" and algorithm confusion are refused before any other check.
  if ((parsedHead as { alg?: unknown })?.alg !== 'HS256') return { ok: false, reason: 'bad_algorithm' };
  if (!constantTimeEqual(sigBytes, await mac(secret, `${head}.${body}`))) return { ok: false, reason: 'bad_signature' };
  const c = claims as Partial<AccessClaims>;
  if (typeof c.sub !== 'string' || typeof c.exp !== 'number' || typeof c.session_id !== 'string' || c.aud !== 'authenticated') {
    return { ok: false, reason: 'bad_claims' };
  }
  if (c.exp <= nowSeconds) return { ok: false, reason: 'expired' };
  return { ok: true, claims: c as AccessClaims };
}

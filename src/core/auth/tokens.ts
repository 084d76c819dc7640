// One-time secrets for sign-in: random tokens, 6-digit codes, their SHA-256 hashes, and the PKCE S256 check.
import { constantTimeEqual, sha256Hex, toBase64Url, utf8 } from '../encoding';

/** 128 bits of randomness, base64url: every link token, auth code, session id and refresh token. */
export function randomToken(bytes = 16): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** A uniformly random 6-digit code (leading zeros kept), drawn without modulo bias. */
export function sixDigitCode(): string {
  const limit = 4_294_000_000; // the largest multiple of 1e6 below 2^32
  for (;;) {
    const [value] = crypto.getRandomValues(new Uint32Array(1));
    if (value! < limit) return String(value! % 1_000_000).padStart(6, '0');
  }
}

/** What Redis keeps instead of a secret: its SHA-256, so a dump of Redis signs nobody in. */
export function hashSecret(secret: string): Promise<string> {
  return sha256Hex(secret);
}

/** The 6-digit code is only unique per address, so its hash covers both. */
export function hashCode(email: string, code: string): Promise<string> {
  return sha256Hex(`${email.toLowerCase()}\u0000${code}`);
}

export type ChallengeMethod = 's256' | 'plain';

/** RFC 7636: 43-128 characters of the unreserved set. */
export const PKCE_PATTERN = /^[A-Za-z0-9._~-]{43,128}$/;

export async function s256Challenge(verifier: string): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(verifier))));
}

/** Does this verifier answer the challenge stored with the flow? Compared in constant time. */
export async function verifierMatches(verifier: string, challenge: string, method: ChallengeMethod): Promise<boolean> {
  if (!PKCE_PATTERN.test(verifier)) return false;
  const computed = method === 's256' ? await s256Challenge(verifier) : verifier;
  return constantTimeEqual(utf8(computed), utf8(challenge));
}

/** A fresh PKCE verifier (43 base64url characters = 256 bits). */
export function pkceVerifier(): string {
  return randomToken(32);
}

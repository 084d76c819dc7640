import { describe, expect, it } from 'vitest';
import { hashCode, hashSecret, pkceVerifier, randomToken, s256Challenge, sixDigitCode, verifierMatches } from './tokens';

describe('sign-in secrets', () => {
  it('draws tokens of 128 bits, never the same twice', () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => randomToken()));
    expect(tokens.size).toBe(1000);
    for (const t of tokens) expect(t).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('draws 6-digit codes across the whole range, leading zeros kept', () => {
    const codes = Array.from({ length: 5000 }, () => sixDigitCode());
    for (const c of codes) expect(c).toMatch(/^\d{6}$/);
    expect(codes.some((c) => c.startsWith('0'))).toBe(true);
    expect(new Set(codes.map((c) => c[0])).size).toBe(10);
  });

  it('stores only a SHA-256 of a token, and binds a code to its address', async () => {
    expect(await hashSecret('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(await hashCode('A@x.com', '123456')).toBe(await hashCode('a@x.com', '123456'));
    expect(await hashCode('a@x.com', '123456')).not.toBe(await hashCode('b@x.com', '123456'));
  });

  it('checks PKCE S256 as RFC 7636 computes it', async () => {
    // The RFC's appendix B example.
    expect(await s256Challenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    const verifier = pkceVerifier();
    expect(await verifierMatches(verifier, await s256Challenge(verifier), 's256')).toBe(true);
    expect(await verifierMatches(pkceVerifier(), await s256Challenge(verifier), 's256')).toBe(false);
    expect(await verifierMatches(verifier, verifier, 'plain')).toBe(true);
    expect(await verifierMatches('short', 'short', 'plain')).toBe(false);
  });
});

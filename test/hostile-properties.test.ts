// Property-based checks of what strangers control (issue 12): link tokens, cron input, redirect_to, next and
// sign-in bodies. Thousands of generated inputs each: none may throw, hang, or get past a check it should not.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeHmacSha256 } from '../workers/node-hmac';
import { authEmailSchema, otpRequestSchema, userDataSchema } from '../src/contracts/auth';
import { cronProblem, MAX_CRON_LENGTH, parseCron } from '../src/contracts/cron';
import { checkRedirect, safeNext } from '../src/core/auth/redirects';
import { decideClick } from '../src/core/links/clicks';
import { createClickBudget } from '../src/core/links/click-budget';
import { LinkSigner } from '../src/core/links/links';
import { toBase64Url, utf8 } from '../src/core/encoding';

const RUNS = 2000;
const key = { id: 'k1', secret: 'property-secret-property-secret-prop' };
const signers = [new LinkSigner([key]), new LinkSigner([key], nodeHmacSha256)];
const base = 'https://tidings.example.com';
const request = { token: 'x', method: 'GET', userAgent: 'Mozilla/5.0', ip: '127.0.0.1' };

/** Strings that look a little like what they attack: pieces of the real syntax, glued at random. */
const pieces = (parts: string[], maxLength = 30) =>
  fc
    .array(fc.oneof(fc.constantFrom(...parts), fc.string({ maxLength: 3 }), fc.string({ unit: 'binary', maxLength: 3 })), { maxLength })
    .map((p) => p.join(''));

/** A token whose tag is right for its body: what a leaked key, or an older signer, could make. */
function signedBody(body: string): string {
  const head = `t1.${key.id}.${body}`;
  return `${head}.${toBase64Url(nodeHmacSha256(utf8(key.secret), head).subarray(0, 16))}`;
}

describe('link tokens', () => {
  it('verify never throws, and refuses, for any string', async () => {
    const token = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.tuple(fc.integer({ min: 2030, max: 2070 }), fc.string({ maxLength: 30 })).map(([n, tail]) => `t1.k1.${'A'.repeat(n)}.${tail}`),
      pieces(['t1', '.', 'k1', 'eyJ', 'A', '_', '-', '=', '%', '/'], 20),
    );
    await fc.assert(
      fc.asyncProperty(token, async (t) => {
        for (const signer of signers) expect((await signer.verify(t)).ok).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });

  it('a signed token with any payload verifies or is refused, and the click decision never throws', async () => {
    const url = fc.oneof(fc.webUrl(), pieces(['http://', 'https://', '[', ']', ' ', 'é', '%', ':', '@', '/', '\u0000', 'a.b'], 12));
    const payload = fc.oneof(
      fc.record(
        {
          u: url,
          s: fc.string(),
          e: fc.string(),
          k: fc.constantFrom('article', 'honeypot', 'vote_up', 'x'),
          p: fc.anything(),
          t: fc.anything(),
          a: fc.anything(),
        },
        { requiredKeys: ['u', 's', 'e', 'k'] },
      ),
      fc.jsonValue(),
    );
    const body = fc.oneof(
      payload.map((p) => toBase64Url(utf8(JSON.stringify(p) ?? 'null'))),
      fc.string({ maxLength: 40 }),
    );
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const token = signedBody(b);
        for (const signer of signers) {
          const verified = await signer.verify(token);
          const outcome = decideClick(verified, { ...request, token }, new Date(), createClickBudget());
          if (outcome.ok) expect(() => new URL(outcome.location)).not.toThrow();
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('cron input', () => {
  it('cronProblem answers every string with a reason or null, quickly, and never accepts more than MAX_CRON_LENGTH', () => {
    const pattern = fc.oneof(
      fc.string({ maxLength: 2000 }),
      pieces(['*', '/', '-', ',', ' ', '0', '7', '59', '99', '1-5', '*/15', '\t'], 400),
    );
    fc.assert(
      fc.property(pattern, (p) => {
        const started = performance.now();
        const problem = cronProblem(p);
        expect(performance.now() - started).toBeLessThan(250);
        if (problem === null) {
          expect(p.length).toBeLessThanOrEqual(MAX_CRON_LENGTH);
          expect(parseCron(p).sets).toHaveLength(5);
        } else expect(typeof problem).toBe('string');
      }),
      { numRuns: RUNS },
    );
  });

  it('accepts every well-formed five-field pattern that can fire, and refuses only those that never can', () => {
    const field = (min: number, max: number) =>
      fc.oneof(
        fc.constant('*'),
        fc.integer({ min, max }).map(String),
        fc.integer({ min: 1, max: 30 }).map((s) => `*/${s}`),
        fc.tuple(fc.integer({ min, max }), fc.integer({ min, max })).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
      );
    fc.assert(
      fc.property(fc.tuple(field(0, 59), field(0, 23), field(1, 31), field(1, 12), field(0, 7)), (parts) => {
        // Without a weekday, the pattern fires only if some listed day exists in some listed month (Feb has 29).
        const days = expand(parts[2], 1, 31);
        const months = expand(parts[3], 1, 12);
        const fires =
          parts[4] !== '*' || days.some((d) => months.some((m) => d <= [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!));
        const problem = cronProblem(parts.join(' '));
        if (fires) expect(problem).toBeNull();
        else expect(problem).toMatch(/would never run/);
      }),
      { numRuns: RUNS },
    );
  });
});

/** The values one generated cron field names: *, n, *\/s or a-b. */
function expand(field: string, min: number, max: number): number[] {
  const all = (from: number, to: number, step = 1) => Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);
  if (field === '*') return all(min, max);
  if (field.startsWith('*/')) return all(min, max, Number(field.slice(2)));
  const [a, b] = field.split('-').map(Number);
  return all(a!, b ?? a!);
}

describe('where sign-in may send a person', () => {
  it('next: never throws, and anything accepted stays on this site whatever a browser does with it', () => {
    const next = fc.oneof(
      fc.string({ maxLength: 100 }),
      pieces(
        ['/', '//', '.', '..', '\\', '%2e', '%2f', '%5c', 'evil.com', '@', ':', '?', '#', 'a', '\t', ' ', 'http:', 'https://evil.com'],
        14,
      ),
    );
    fc.assert(
      fc.property(next, (value) => {
        const path = safeNext(value, base);
        if (path === null) return;
        expect(path.startsWith('/')).toBe(true);
        expect(path.startsWith('//') || path.startsWith('/\\')).toBe(false);
        // A browser resolves the Location against the page: it must stay on this origin.
        expect(new URL(path, base).origin).toBe(base);
        expect(new URL(path, 'https://other.example').origin).toBe('https://other.example');
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('redirect_to: never throws, and anything accepted is this site or matches a pattern', () => {
    const patterns = ['https://*.example.org/**', 'http://localhost:3000/auth/callback'];
    const value = fc.oneof(
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      fc.string({ maxLength: 100 }),
      pieces(
        ['https://', 'http://', 'tidings.example.com', '.example.org', 'evil.com', '@', ':', '/', '\\', '?', '#', '%2e', 'localhost:3000'],
        10,
      ),
    );
    fc.assert(
      fc.property(value, (v) => {
        const check = checkRedirect(v, { baseUrl: base, patterns });
        if (!check.ok) {
          expect(check.reason.length).toBeGreaterThan(0);
          return;
        }
        const url = new URL(check.url);
        expect(url.origin === base || url.hostname.endsWith('.example.org') || url.origin === 'http://localhost:3000').toBe(true);
        expect(url.username + url.password).toBe('');
      }),
      { numRuns: RUNS },
    );
  });
});

describe('sign-in request bodies', () => {
  it('the address, metadata and whole-body contracts never throw, and what passes is within limits', () => {
    const email = fc.oneof(
      fc.emailAddress(),
      fc.string({ maxLength: 400 }),
      fc.tuple(fc.string({ minLength: 60, maxLength: 300 }), fc.domain()).map(([l, d]) => `${l}@${d}`),
    );
    const data = fc.oneof(fc.dictionary(fc.string({ maxLength: 70 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 20 }), fc.jsonValue());
    fc.assert(
      fc.property(email, data, fc.anything(), (e, d, anything) => {
        const address = authEmailSchema.safeParse(e);
        if (address.success) {
          expect(address.data.length).toBeLessThanOrEqual(254);
          expect(address.data.indexOf('@')).toBeLessThanOrEqual(64);
        }
        const metadata = userDataSchema.safeParse(d);
        if (metadata.success) expect(new TextEncoder().encode(JSON.stringify(metadata.data)).length).toBeLessThanOrEqual(2048);
        otpRequestSchema.safeParse(anything);
        otpRequestSchema.safeParse({ email: e, data: d });
      }),
      { numRuns: RUNS },
    );
  });
});

// Sign-in behaviour that depends on configuration: Secure cookies in production, CORS for allowed origins.
import { afterEach, describe, expect, it } from 'vitest';
import { productionEnv as production } from './production-env';
import { testApp, testEnv, type TestEnv } from './helpers';

let t: TestEnv;
afterEach(() => t.cleanup());

describe('sign-in configuration at work', () => {
  it('marks the verifier cookie Secure in production', async () => {
    t = testEnv(production);
    const { app } = testApp(t);
    const response = await app.request('https://tidings.example.com/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://tidings.example.com' },
      body: 'email=reader%40example.com&next=%2F',
    });
    expect(response.status).toBe(303);
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('tidings_pkce='))!;
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    // The request reached the stream for the workers, sealed.
    const [[, fields]] = (await t.db.redis.xrange(t.db.keys.authMail, '-', '+')) as [[string, string[]]];
    expect(fields.join(' ')).not.toContain('reader@example.com');
  });

  it('answers CORS preflights for allowed origins only', async () => {
    t = testEnv({ AUTH_REDIRECT_ALLOW_LIST: 'https://*.example.org/**' });
    const { app } = testApp(t);
    const preflight = (origin: string) =>
      app.request('/auth/v1/otp', {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'apikey,content-type,x-client-info' },
      });
    const allowed = await preflight('https://app.example.org');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.org');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('x-client-info');
    const refused = await preflight('https://evil.example');
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });
});

// AUTH_PROVIDER=supabase: this site's pages use a Supabase project over HTTP — here, a second Tidings speaking the same protocol.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agent, formOf, startAuthServer, submit, type AuthServer } from './auth-helpers';

let idp: AuthServer; // plays the Supabase project
let site: AuthServer; // AUTH_PROVIDER=supabase
beforeAll(async () => {
  idp = await startAuthServer({ AUTH_REDIRECT_ALLOW_LIST: 'http://127.0.0.1:*/auth/confirm**', AUTH_EMAIL_COOLDOWN_SECONDS: '0' });
  site = await startAuthServer(
    { AUTH_PROVIDER: 'supabase', SUPABASE_URL: idp.url, SUPABASE_ANON_KEY: 'anon-key', AUTH_EMAIL_COOLDOWN_SECONDS: '0' },
    { workers: false },
  );
});
afterAll(async () => {
  await site?.close();
  await idp?.close();
});

let n = 0;
const address = () => `switch${++n}-${Date.now()}@example.com`;

async function signInWithLink(email: string) {
  const onSite = agent(site.url);
  const sent = await onSite.post('/sign-in', { email, next: '/account' });
  expect(sent.status).toBe(303);
  const mail = await idp.nextMail(email);
  // The link is the provider's own: /auth/v1/verify on the provider, ending at this site's /auth/confirm?code=.
  expect(mail.link.startsWith(`${idp.url}/auth/v1/verify?token=pkce_`)).toBe(true);
  const onIdp = agent(idp.url);
  const form = formOf(await (await onIdp.get(mail.link)).text(), '/auth/v1/verify');
  const pressed = await onIdp.post(form.action, form.fields);
  const landing = new URL(pressed.headers.get('location')!);
  expect(`${landing.origin}${landing.pathname}`).toBe(`${site.url}/auth/confirm`);
  return { onSite, landing, mail };
}

describe('AUTH_PROVIDER=supabase', () => {
  it('signs in through /sign-in and /auth/confirm?code= with the provider, and signs out there too', async () => {
    const email = address();
    const { onSite, landing } = await signInWithLink(email);
    const done = await onSite.get(landing.pathname + landing.search);
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/account');
    expect(await (await onSite.get('/account')).text()).toContain(email);
    // The provider knows the user and the session.
    const user = await idp.t.db.redis.hget(idp.t.db.keys.authUsersByEmail, email);
    expect(user).toBeTruthy();
    const sessionsBefore = await idp.t.db.redis.scard(idp.t.db.keys.authUserSessions(user!));
    expect(sessionsBefore).toBe(1);
    await onSite.post('/sign-out', {});
    expect(await idp.t.db.redis.scard(idp.t.db.keys.authUserSessions(user!))).toBe(0);
  });

  it('signs in with the 6-digit code and with a token hash, both verified by the provider', async () => {
    const email = address();
    const { mail } = await signInWithLink(email); // the link was used: its code is used with it
    const codeOnly = agent(site.url);
    const refused = await codeOnly.post('/auth/confirm/code', { email, code: mail.code, next: '/account' });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('That code did not work');

    const second = address();
    await agent(site.url).post('/sign-in', { email: second, next: '/account' });
    const fresh = await idp.nextMail(second);
    const byCode = await codeOnly.post('/auth/confirm/code', { email: second, code: fresh.code, next: '/account' });
    expect(byCode.headers.get('location')).toBe('/account');
    expect(await (await codeOnly.get('/account')).text()).toContain(second);

    const third = address();
    await agent(site.url).post('/sign-in', { email: third });
    const token = new URL((await idp.nextMail(third)).link).searchParams.get('token')!;
    const byHash = agent(site.url);
    const page = await (await byHash.get(`/auth/confirm?token_hash=${token}&type=email&next=/account`)).text();
    expect(page).toContain('Sign in to Tidings'); // a remote provider cannot be asked for the address without using the link
    const form = formOf(page, '/auth/confirm');
    expect((await byHash.post(form.action, form.fields)).headers.get('location')).toBe('/account');
    expect(await (await byHash.get('/account')).text()).toContain(third);
  });

  it('checks an implicit-flow access token with the provider before setting a cookie', async () => {
    const email = address();
    await fetch(`${idp.url}/auth/v1/otp?redirect_to=${encodeURIComponent(`${site.url}/auth/confirm?next=/account`)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email }),
    });
    const mail = await idp.nextMail(email);
    const onIdp = agent(idp.url);
    const form = formOf(await (await onIdp.get(mail.link)).text(), '/auth/v1/verify');
    const landing = new URL((await onIdp.post(form.action, form.fields)).headers.get('location')!);
    const fragment = new URLSearchParams(landing.hash.slice(1));
    const fields = {
      access_token: fragment.get('access_token')!,
      refresh_token: fragment.get('refresh_token')!,
      expires_at: fragment.get('expires_at')!,
      next: '/account',
    };

    const forged = agent(site.url);
    const [head, body] = fields.access_token.split('.');
    const bad = await forged.post('/auth/confirm/implicit', { ...fields, access_token: `${head}.${body}.AAAA` });
    expect(bad.status).toBe(400);
    expect(bad.headers.getSetCookie().some((c) => c.startsWith('tidings_session='))).toBe(false);

    const good = agent(site.url);
    expect((await good.post('/auth/confirm/implicit', fields)).headers.get('location')).toBe('/account');
    expect(await (await good.get('/account')).text()).toContain(email);
  });

  it("passes the provider's refusals on as pages, never as a 5xx", async () => {
    const page = await agent(site.url).get('/auth/confirm?code=not-a-code&next=/account');
    expect(page.status).toBe(400); // no verifier here: explained, nothing sent to the provider
    const withVerifier = agent(site.url);
    await withVerifier.post('/sign-in', { email: address() });
    const failed = await withVerifier.get('/auth/confirm?code=not-a-code');
    expect(failed.status).toBe(400);
    expect(await failed.text()).toContain('This sign-in could not be finished');
    expect((await submit(site.url, '/sign-in', { email: 'x@example.com' }, { origin: 'https://evil.example' })).status).toBe(403);
  });
});

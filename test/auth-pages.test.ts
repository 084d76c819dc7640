// The sign-in pages over real HTTP: scanner safety, cross-device, failures with a way forward, CSRF, open redirects, limits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listOutbox } from '../src/store/outbox';
import { agent, formOf, startAuthServer, submit, type AuthServer } from './auth-helpers';

const SAFE_LINKS_UA =
  'Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 6.1; WOW64; Trident/7.0; .NET CLR 2.0.50727; ms-office; MSOffice 16) SafeLinks';

let s: AuthServer;
beforeAll(async () => {
  // No per-address cooldown here (rate limits count in Redis's real time, not the app's clock); tested on its own below.
  s = await startAuthServer({ AUTH_IP_HOURLY_LIMIT: '1000', AUTH_EMAIL_COOLDOWN_SECONDS: '0' });
});
afterAll(() => s.close());

let n = 0;
const address = () => `reader${++n}-${Date.now()}@example.com`;

/** Ask for a link from /sign-in in this browser; returns the email. */
async function requestLink(browser: ReturnType<typeof agent>, email: string, next = '/account') {
  const sent = await browser.post('/sign-in', { email, next });
  expect(sent.status).toBe(303);
  expect(sent.headers.get('location')).toMatch(/^\/sign-in\/sent\?ticket=/);
  return s.nextMail(email);
}

async function expectSignedIn(browser: ReturnType<typeof agent>, email: string) {
  const account = await browser.get('/account');
  expect(account.status).toBe(200);
  expect(await account.text()).toContain(email);
}

describe('/sign-in to signed in (PKCE started server-side)', () => {
  it('keeps the verifier in an httpOnly SameSite=Lax cookie and finishes at next with a session cookie', async () => {
    const email = address();
    const browser = agent(s.url);
    const sent = await browser.post('/sign-in', { email, next: '/account' });
    const verifierCookie = sent.headers.getSetCookie().find((c) => c.startsWith('tidings_pkce='))!;
    expect(verifierCookie).toMatch(/HttpOnly/);
    expect(verifierCookie).toMatch(/SameSite=Lax/);
    expect(verifierCookie).not.toMatch(/Secure/); // http in tests; production sets Secure

    const checkPage = await (await browser.get(sent.headers.get('location')!)).text();
    expect(checkPage).toContain(`${email[0]}•••@example.com`);
    expect(checkPage).toContain('expires in 15 minutes');

    const mail = await s.nextMail(email);
    const page = await browser.get(mail.link);
    const html = await page.text();
    expect(html).toContain(`Sign in as ${email[0]}•••@example.com`);
    expect(html).not.toContain('another browser or app');
    const form = formOf(html, '/auth/v1/verify');
    const pressed = await browser.post(form.action, form.fields);
    expect(pressed.status).toBe(303);
    const landing = new URL(pressed.headers.get('location')!);
    expect(landing.pathname).toBe('/auth/confirm');
    expect(landing.searchParams.get('code')).toBeTruthy();

    const done = await browser.get(landing.pathname + landing.search);
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/account');
    const session = done.headers.getSetCookie().find((c) => c.startsWith('tidings_session='))!;
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Lax/);
    expect(session).toMatch(/Path=\//);
    await expectSignedIn(browser, email);
    // Reloading the confirm address (its code is used by now) goes on to next rather than to an error.
    expect((await browser.get(landing.pathname + landing.search)).headers.get('location')).toBe('/account');

    // Sign out revokes the session in Redis: the old cookie is worthless afterwards.
    const stolen = `tidings_session=${browser.jar.get('tidings_session')}`;
    expect((await browser.post('/sign-out', {})).status).toBe(303);
    const replay = await fetch(new URL('/account', s.url), { headers: { cookie: stolen }, redirect: 'manual' });
    expect(replay.status).toBe(303);
    expect(replay.headers.get('location')).toContain('/sign-in');
  });

  it('revokes the provider session on sign-out even when its access token has expired', async () => {
    const email = address();
    const browser = agent(s.url);
    const mail = await requestLink(browser, email);
    expect((await browser.post('/auth/confirm/code', { email, code: mail.code, next: '/account' })).status).toBe(303);
    const userId = (await s.t.db.redis.hget(s.t.db.keys.authUsersByEmail, email))!;
    expect(await s.t.db.redis.scard(s.t.db.keys.authUserSessions(userId))).toBe(1);
    s.advance(2 * 3600);
    try {
      await browser.post('/sign-out', {});
    } finally {
      s.advance(-2 * 3600);
    }
    expect(await s.t.db.redis.scard(s.t.db.keys.authUserSessions(userId))).toBe(0);
  });
});

describe('scanner safety', () => {
  it('lets a cookieless Safe Links client GET and HEAD every URL in the email without using anything up', async () => {
    const email = address();
    const browser = agent(s.url);
    const mail = await requestLink(browser, email);
    const urls = [...mail.message.html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
    expect(urls.length).toBeGreaterThan(0);
    const scanner = agent(s.url, SAFE_LINKS_UA);
    for (const url of [...urls, mail.link]) {
      expect((await scanner.get(url, 'HEAD')).status).toBeLessThan(400);
      expect((await scanner.get(url)).status).toBeLessThan(400);
      expect((await scanner.get(url)).status).toBeLessThan(400);
    }
    // The person's click afterwards still works.
    const form = formOf(await (await browser.get(mail.link)).text(), '/auth/v1/verify');
    const landing = new URL((await browser.post(form.action, form.fields)).headers.get('location')!);
    expect((await browser.get(landing.pathname + landing.search)).headers.get('location')).toBe('/account');
    await expectSignedIn(browser, email);
  });
});

describe('cross-device', () => {
  it('signs in a second browser with one press, and says why', async () => {
    const email = address();
    const mail = await requestLink(agent(s.url), email);
    const phone = agent(s.url);
    const html = await (await phone.get(mail.link)).text();
    expect(html).toContain('requested in another browser');
    const form = formOf(html, '/auth/v1/verify');
    const pressed = await phone.post(form.action, form.fields);
    expect(pressed.status).toBe(303);
    expect(pressed.headers.get('location')).toBe('/account');
    await expectSignedIn(phone, email);
  });

  it('signs in another device with the 6-digit code', async () => {
    const email = address();
    const mail = await requestLink(agent(s.url), email);
    const laptop = agent(s.url);
    // Where the email says to type it: the sign-in page itself, which asks for the address with the code.
    const form = formOf(await (await laptop.get('/sign-in?next=%2Faccount')).text(), '/auth/confirm/code');
    expect(Object.keys(form.fields)).not.toContain('ticket');
    const done = await laptop.post(form.action, { ...form.fields, email, code: mail.code });
    expect(done.status).toBe(303);
    await expectSignedIn(laptop, email);
  });

  it('after too many wrong codes, says so and offers a new email, not another code box', async () => {
    const email = address();
    const mail = await requestLink(agent(s.url), email);
    const wrong = String((Number(mail.code) + 1) % 1_000_000).padStart(6, '0');
    const laptop = agent(s.url);
    let answer = await laptop.post('/auth/confirm/code', { email, code: wrong, next: '/account' });
    for (let i = 0; i < 10 && answer.status !== 429; i++)
      answer = await laptop.post('/auth/confirm/code', { email, code: wrong, next: '/account' });
    expect(answer.status).toBe(429);
    const html = await answer.text();
    expect(html).toContain('<h1>Too many tries at the code</h1>');
    expect(html).toContain('the link in the email still works');
    expect(html).not.toContain('action="/auth/confirm/code"');
    expect(formOf(html).action).toBe('/sign-in/resend');
  });

  it('accepts the code on the "check your email" page, which knows the address', async () => {
    const email = address();
    const browser = agent(s.url);
    const sent = await browser.post('/sign-in', { email, next: '/account' });
    const mail = await s.nextMail(email);
    const form = formOf(await (await browser.get(sent.headers.get('location')!)).text(), '/auth/confirm/code');
    const done = await browser.post(form.action, { ...form.fields, code: mail.code });
    expect(done.headers.get('location')).toBe('/account');
    await expectSignedIn(browser, email);
  });
});

describe('token-hash links (AUTH_LINK_STYLE=token_hash)', () => {
  it('go to /auth/confirm, show the button on GET and sign in on POST, in any browser', async () => {
    const hs = await startAuthServer({ AUTH_LINK_STYLE: 'token_hash' });
    try {
      const email = address();
      await agent(hs.url).post('/sign-in', { email, next: '/account' });
      const mail = await hs.nextMail(email);
      expect(mail.link).toMatch(new RegExp(`^${hs.url}/auth/confirm\\?token_hash=pkce_[^&]+&type=email&next=%2Faccount$`));
      const other = agent(hs.url);
      for (let i = 0; i < 3; i++) expect((await agent(hs.url, SAFE_LINKS_UA).get(mail.link)).status).toBe(200);
      const html = await (await other.get(mail.link)).text();
      expect(html).toContain(`Sign in as ${email[0]}•••@example.com`);
      const form = formOf(html, '/auth/confirm');
      const done = await other.post(form.action, form.fields);
      expect(done.headers.get('location')).toBe('/account');
      const account = await other.get('/account');
      expect(await account.text()).toContain(email);
    } finally {
      await hs.close();
    }
  });
});

describe('failures say what happened and offer a new link', () => {
  it('an expired link', async () => {
    const email = address();
    const browser = agent(s.url);
    const mail = await requestLink(browser, email);
    s.advance(16 * 60);
    try {
      const page = await browser.get(mail.link);
      expect(page.status).toBe(400);
      const html = await page.text();
      expect(html).toContain('expired or was already used');
      const resend = formOf(html, '/sign-in/resend');
      const again = await browser.post(resend.action, resend.fields);
      expect(again.status).toBe(303);
      const fresh = await s.nextMail(email, new Set([mail.message.id]));
      expect(fresh.link).not.toBe(mail.link);
    } finally {
      s.advance(-17 * 60);
    }
  });

  it('a used link', async () => {
    const email = address();
    const browser = agent(s.url);
    const mail = await requestLink(browser, email);
    const form = formOf(await (await browser.get(mail.link)).text(), '/auth/v1/verify');
    await browser.post(form.action, form.fields);
    const second = await browser.post(form.action, form.fields);
    expect(second.status).toBe(400);
    const html = await second.text();
    expect(html).toContain('expired or was already used');
    expect(html).toContain(`Send a new link to ${email[0]}•••@example.com`);
  });

  it('a link pressed many times at once signs in exactly once', async () => {
    const email = address();
    const browser = agent(s.url);
    const mail = await requestLink(browser, email);
    const form = formOf(await (await browser.get(mail.link)).text(), '/auth/v1/verify');
    const presses = await Promise.all(Array.from({ length: 8 }, () => browser.post(form.action, form.fields)));
    expect(presses.map((r) => r.status).sort()).toEqual([303, 400, 400, 400, 400, 400, 400, 400]);
  });

  it('a tampered link: says so, and its form sends a new link', async () => {
    const email = address();
    const browser = agent(s.url);
    const mail = await requestLink(browser, email);
    const tampered = mail.link.replace(/token=pkce_(.)/, (_, ch: string) => `token=pkce_${ch === 'A' ? 'B' : 'A'}`);
    const page = await browser.get(tampered);
    expect(page.status).toBe(400);
    const html = await page.text();
    expect(html).toContain('does not work');
    const form = formOf(html, '/sign-in');
    const again = await browser.post(form.action, { ...form.fields, email });
    expect(again.status).toBe(303);
    await s.nextMail(email, new Set([mail.message.id]));
  });

  it('errors in the query or the fragment of /auth/confirm', async () => {
    const page = await fetch(
      `${s.url}/auth/confirm?error=access_denied&error_code=otp_expired&error_description=Email+link+is+invalid+or+has+expired`,
    );
    expect(page.status).toBe(400);
    const html = await page.text();
    expect(html).toContain('expired or was already used');
    expect(formOf(html, '/sign-in').fields).toHaveProperty('next', '/');
    // A fragment never reaches the server: the page's one script (with the response's nonce) turns it into a query.
    const implicit = await fetch(`${s.url}/auth/confirm`);
    const csp = implicit.headers.get('content-security-policy')!;
    const nonce = /'nonce-([^']+)'/.exec(csp)![1];
    const body = await implicit.text();
    expect(body).toContain(`<script nonce="${nonce}">`);
    expect(body).toContain('error_description');
  });

  it('a PKCE code opened without its verifier explains and offers a new link and the code', async () => {
    const page = await fetch(`${s.url}/auth/confirm?code=some-code&next=%2Faccount`);
    expect(page.status).toBe(400);
    const html = await page.text();
    expect(html).toContain('different browser');
    expect(formOf(html, '/sign-in').fields.next).toBe('/account');
    formOf(html, '/auth/confirm/code');
  });
});

describe('CSRF', () => {
  it('refuses every form POST without this site as Origin', async () => {
    for (const action of [
      '/sign-in',
      '/sign-in/resend',
      '/sign-out',
      '/auth/confirm',
      '/auth/confirm/code',
      '/auth/confirm/implicit',
      '/auth/v1/verify',
    ]) {
      const foreign = await submit(s.url, action, { email: 'a@example.com' }, { origin: 'https://evil.example' });
      expect(foreign.status, action).toBe(403);
      expect(await foreign.text()).toContain('came from another site');
      const none = await fetch(new URL(action, s.url), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'email=a%40example.com',
        redirect: 'manual',
      });
      expect(none.status, action).toBe(403);
    }
  });

  it('takes /auth/v1 requests with bodies as JSON only, so a cross-site form cannot send mail or sign anyone in', async () => {
    const email = address();
    const forged = await fetch(`${s.url}/auth/v1/otp`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: 'https://evil.example' },
      body: JSON.stringify({ email }),
    });
    expect(forged.status).toBe(400);
    expect(await forged.json()).toMatchObject({ error_code: 'validation_failed', msg: expect.stringContaining('application/json') });
    for (const path of ['/auth/v1/token?grant_type=pkce', '/auth/v1/token?grant_type=refresh_token']) {
      expect((await fetch(`${s.url}${path}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' })).status, path).toBe(
        400,
      );
    }
  });
});

describe('open redirects', () => {
  it('refuses a next that leaves the site, on every page that takes one', async () => {
    for (const next of ['//evil.example', 'https://evil.example/', '/\\evil.example']) {
      const q = encodeURIComponent(next);
      expect((await fetch(`${s.url}/sign-in?next=${q}`)).status, next).toBe(400);
      expect((await fetch(`${s.url}/auth/confirm?code=x&next=${q}`)).status, next).toBe(400);
      expect((await submit(s.url, '/sign-in', { email: address(), next })).status, next).toBe(400);
    }
  });

  it('refuses a link whose redirect_to is not allowed, loudly', async () => {
    const page = await fetch(`${s.url}/auth/v1/verify?token=x&type=magiclink&redirect_to=${encodeURIComponent('https://evil.example/cb')}`);
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('https://evil.example/cb');
  });
});

describe('limits and enumeration', () => {
  it('answers a second request for the same address with 429, Retry-After and when to try again', async () => {
    const limited = await startAuthServer({}, { workers: false });
    try {
      const email = address();
      const browser = agent(limited.url);
      expect((await browser.post('/sign-in', { email, next: '/' })).status).toBe(303);
      const again = await browser.post('/sign-in', { email, next: '/' });
      expect(again.status).toBe(429);
      const retry = Number(again.headers.get('retry-after'));
      expect(retry).toBeGreaterThan(0);
      expect(retry).toBeLessThanOrEqual(60);
      const html = await again.text();
      expect(html).toContain(`${retry} seconds`);
      expect(html).toMatch(/at \d\d:\d\d:\d\d UTC/);
    } finally {
      await limited.close();
    }
  });

  it('limits sends per visitor IP', async () => {
    const limited = await startAuthServer({ AUTH_IP_HOURLY_LIMIT: '2' }, { workers: false });
    try {
      const browser = agent(limited.url);
      expect((await browser.post('/sign-in', { email: address() })).status).toBe(303);
      expect((await browser.post('/sign-in', { email: address() })).status).toBe(303);
      const third = await browser.post('/sign-in', { email: address() });
      expect(third.status).toBe(429);
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(60);
    } finally {
      await limited.close();
    }
  });

  it('behind a trusted proxy, limits each visitor by the address the proxy saw, not by the proxy', async () => {
    const limited = await startAuthServer({ AUTH_IP_HOURLY_LIMIT: '2', TRUST_PROXY_HOPS: '1' }, { workers: false });
    try {
      const via = (client: string) => ({ 'x-forwarded-for': client });
      const browser = agent(limited.url);
      for (const client of ['198.51.100.1', '198.51.100.2']) {
        expect((await browser.post('/sign-in', { email: address() }, via(client))).status).toBe(303);
        expect((await browser.post('/sign-in', { email: address() }, via(client))).status).toBe(303);
      }
      // The first visitor is at the limit, and a forged entry on the left does not make them someone else.
      expect((await browser.post('/sign-in', { email: address() }, via('6.6.6.6, 198.51.100.1'))).status).toBe(429);
    } finally {
      await limited.close();
    }
  });

  it('answers the same for a new and a known address', async () => {
    const known = address();
    const browser = agent(s.url);
    await requestLink(browser, known);
    const a = await agent(s.url).post('/sign-in', { email: known });
    const b = await agent(s.url).post('/sign-in', { email: address() });
    expect([a.status, b.status]).toEqual([303, 303]);
    const pageA = await (await fetch(new URL(a.headers.get('location')!, s.url))).text();
    const pageB = await (await fetch(new URL(b.headers.get('location')!, s.url))).text();
    const strip = (html: string) => html.replace(/[a-z]•••@example\.com/g, '').replace(/value="[^"]*"/g, '');
    expect(strip(pageA)).toBe(strip(pageB));
  });

  it('keeps only hashes of tokens and codes in Redis', async () => {
    const email = address();
    const mail = await requestLink(agent(s.url), email);
    const token = new URL(mail.link).searchParams.get('token')!;
    const keys = await s.t.db.redis.keys(`${s.t.config.REDIS_PREFIX}auth:*`);
    const dump = (
      await Promise.all(keys.map(async (k) => `${k} ${(await s.t.db.redis.type(k)) === 'string' ? await s.t.db.redis.get(k) : ''}`))
    ).join('\n');
    expect(dump).not.toContain(token);
    expect(dump).not.toContain(token.slice(5));
    expect(dump).not.toMatch(new RegExp(`\\b${mail.code}\\b`));
    // The mail request left the stream once sent.
    expect(await s.t.db.redis.xlen(s.t.db.keys.authMail)).toBe(0);
    expect((await listOutbox(s.t.db)).length).toBeGreaterThan(0);
  });
});

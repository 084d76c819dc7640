// Conformance: the official @supabase/supabase-js client against Tidings' /auth/v1 on a real server, mail sent by the workers.
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { listOutbox } from '../src/store/outbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formOf, memoryStorage, realtimeTransport, startAuthServer, submit, type AuthServer } from './auth-helpers';

let s: AuthServer;
beforeAll(async () => {
  s = await startAuthServer({ AUTH_REDIRECT_ALLOW_LIST: 'http://app.test/**' });
});
afterAll(() => s.close());

let n = 0;
const address = (label: string) => `${label}-${++n}-${Date.now()}@example.com`;

function client(flowType: 'pkce' | 'implicit'): { supabase: SupabaseClient; storage: ReturnType<typeof memoryStorage> } {
  const storage = memoryStorage();
  const supabase = createClient(s.url, 'anon-key-for-tests', {
    auth: { flowType, storage, persistSession: true, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: { transport: realtimeTransport as never },
  });
  return { supabase, storage };
}

/** Open the link from the email and press its button, as a person would; returns the redirect. */
async function pressButton(link: string): Promise<URL> {
  const page = await fetch(link);
  expect(page.status).toBe(200);
  const html = await page.text();
  const form = formOf(html, '/auth/v1/verify');
  const response = await submit(s.url, form.action, form.fields);
  expect(response.status).toBe(303);
  return new URL(response.headers.get('location')!);
}

/** The worker handles requests in order: once a later request's mail is out, an earlier one would be too. */
async function expectNoMail(email: string) {
  const sentinel = address('sentinel');
  expect((await client('implicit').supabase.auth.signInWithOtp({ email: sentinel })).error).toBeNull();
  await s.nextMail(sentinel);
  expect((await listOutbox(s.t.db, 100)).filter((m) => m.to.includes(email))).toEqual([]);
}

describe('supabase-js against /auth/v1', () => {
  it('signs in with flowType pkce: signInWithOtp, the link from the email, the button, exchangeCodeForSession', async () => {
    const email = address('pkce');
    const { supabase, storage } = client('pkce');
    const sent = await supabase.auth.signInWithOtp({ email, options: { emailRedirectTo: 'http://app.test/callback' } });
    expect(sent.error).toBeNull();
    expect([...storage.items.keys()].some((k) => k.endsWith('-code-verifier'))).toBe(true);

    const mail = await s.nextMail(email);
    expect(mail.link.startsWith(`${s.url}/auth/v1/verify?token=pkce_`)).toBe(true);
    expect(mail.message.html).toContain(mail.code);
    const page = await (await fetch(mail.link)).text();
    expect(page).toContain(`Sign in as ${email[0]}•••@example.com`);

    const landed = await pressButton(mail.link);
    expect(`${landed.origin}${landed.pathname}`).toBe('http://app.test/callback');
    const code = landed.searchParams.get('code')!;
    expect(code).toBeTruthy();

    const { data, error } = await supabase.auth.exchangeCodeForSession(code);
    expect(error).toBeNull();
    expect(data.session?.token_type).toBe('bearer');
    expect(data.user?.email).toBe(email);
    const user = await supabase.auth.getUser();
    expect(user.error).toBeNull();
    expect(user.data.user).toMatchObject({
      email,
      aud: 'authenticated',
      role: 'authenticated',
      app_metadata: { provider: 'email', providers: ['email'] },
    });
    expect(user.data.user?.email_confirmed_at).toBeTruthy();

    // The code is single use.
    const again = await client('pkce').supabase.auth.exchangeCodeForSession(code);
    expect(again.error).not.toBeNull();
  });

  it('signs in with flowType implicit: the session arrives in the redirect fragment, then getUser', async () => {
    const email = address('implicit');
    const { supabase } = client('implicit');
    expect((await supabase.auth.signInWithOtp({ email, options: { emailRedirectTo: 'http://app.test/welcome' } })).error).toBeNull();
    const mail = await s.nextMail(email);
    expect(mail.link).not.toContain('pkce_');
    const landed = await pressButton(mail.link);
    expect(`${landed.origin}${landed.pathname}`).toBe('http://app.test/welcome');
    const fragment = new URLSearchParams(landed.hash.slice(1));
    expect(fragment.get('token_type')).toBe('bearer');
    expect(fragment.get('type')).toBe('signup');
    expect(Number(fragment.get('expires_in'))).toBe(3600);

    const set = await supabase.auth.setSession({
      access_token: fragment.get('access_token')!,
      refresh_token: fragment.get('refresh_token')!,
    });
    expect(set.error).toBeNull();
    const user = await supabase.auth.getUser();
    expect(user.data.user?.email).toBe(email);
  });

  it('verifies a token hash with verifyOtp, once', async () => {
    const email = address('hash');
    const { supabase } = client('pkce');
    await supabase.auth.signInWithOtp({ email });
    const mail = await s.nextMail(email);
    const tokenHash = new URL(mail.link).searchParams.get('token')!;
    const verified = await client('pkce').supabase.auth.verifyOtp({ token_hash: tokenHash, type: 'email' });
    expect(verified.error).toBeNull();
    expect(verified.data.session?.user.email).toBe(email);

    const again = await client('pkce').supabase.auth.verifyOtp({ token_hash: tokenHash, type: 'email' });
    expect(again.error?.status).toBe(403);
    expect(again.error?.code).toBe('otp_expired');
  });

  it('verifies the 6-digit code with verifyOtp, after which the link is used too', async () => {
    const email = address('code');
    const { supabase } = client('implicit');
    await supabase.auth.signInWithOtp({ email });
    const mail = await s.nextMail(email);
    const wrong = await supabase.auth.verifyOtp({ email, token: mail.code === '000000' ? '111111' : '000000', type: 'email' });
    expect(wrong.error?.code).toBe('otp_expired');
    const verified = await supabase.auth.verifyOtp({ email, token: mail.code, type: 'email' });
    expect(verified.error).toBeNull();
    expect(verified.data.user?.email).toBe(email);
    expect((await supabase.auth.getUser()).data.user?.email).toBe(email);
    // The link of the same email no longer signs in: one email, one sign-in.
    const page = await fetch(mail.link);
    expect(await page.text()).toContain('expired or was already used');
  });

  it('allows five wrong guesses at the 6-digit code per address, then answers 429 even to the right one', async () => {
    const email = address('guess');
    const { supabase } = client('implicit');
    await supabase.auth.signInWithOtp({ email });
    const { code } = await s.nextMail(email);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    for (let i = 0; i < 4; i++)
      expect((await supabase.auth.verifyOtp({ email, token: wrong, type: 'email' })).error?.code).toBe('otp_expired');
    // A right code does not count against the person: after it, the fifth wrong guess is still allowed.
    expect((await supabase.auth.verifyOtp({ email, token: code, type: 'email' })).error).toBeNull();
    expect((await supabase.auth.verifyOtp({ email, token: wrong, type: 'email' })).error?.code).toBe('otp_expired');
    const blocked = await supabase.auth.verifyOtp({ email, token: wrong, type: 'email' });
    expect(blocked.error?.status).toBe(429);
    expect(blocked.error?.code).toBe('over_request_rate_limit');
  });

  it('refreshes with rotation, and treats a refresh token presented twice as stolen', async () => {
    const email = address('refresh');
    const { supabase } = client('implicit');
    await supabase.auth.signInWithOtp({ email });
    const { code } = await s.nextMail(email);
    const first = (await supabase.auth.verifyOtp({ email, token: code, type: 'email' })).data.session!;

    const refreshed = await supabase.auth.refreshSession();
    expect(refreshed.error).toBeNull();
    const second = refreshed.data.session!;
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.user.email).toBe(email);
    expect((await supabase.auth.getUser()).data.user?.email).toBe(email);

    const replay = await client('implicit').supabase.auth.refreshSession({ refresh_token: first.refresh_token });
    expect(replay.error?.code).toBe('refresh_token_already_used');
    // The replay revoked the session: the rotated token stops working too.
    const after = await client('implicit').supabase.auth.refreshSession({ refresh_token: second.refresh_token });
    expect(after.error?.code).toBe('refresh_token_not_found');
  });

  it('signs out: the session is revoked on the server, so the old access token no longer works', async () => {
    const email = address('signout');
    const { supabase } = client('implicit');
    await supabase.auth.signInWithOtp({ email });
    const { code } = await s.nextMail(email);
    const session = (await supabase.auth.verifyOtp({ email, token: code, type: 'email' })).data.session!;
    expect((await supabase.auth.signOut()).error).toBeNull();
    expect((await supabase.auth.getSession()).data.session).toBeNull();
    const stale = await client('implicit').supabase.auth.getUser(session.access_token);
    expect(stale.data.user).toBeNull();
    expect(stale.error?.name).toBe('AuthSessionMissingError');
    const refresh = await client('implicit').supabase.auth.refreshSession({ refresh_token: session.refresh_token });
    expect(refresh.error?.code).toBe('refresh_token_not_found');
  });

  it('answers PKCE exchange mistakes with Supabase codes and statuses', async () => {
    const email = address('pkce-errors');
    const { supabase, storage } = client('pkce');
    await supabase.auth.signInWithOtp({ email, options: { emailRedirectTo: `${s.url}/elsewhere` } });
    const landed = await pressButton((await s.nextMail(email)).link);
    const code = landed.searchParams.get('code')!;
    // Wrong verifier: 400 bad_code_verifier.
    const key = [...storage.items.keys()].find((k) => k.endsWith('-code-verifier'))!;
    storage.items.set(key, JSON.stringify('x'.repeat(43)));
    const wrong = await supabase.auth.exchangeCodeForSession(code);
    expect(wrong.error).toMatchObject({ status: 400, code: 'bad_code_verifier' });
    // Unknown code: 404 flow_state_not_found.
    const raw = await fetch(`${s.url}/auth/v1/token?grant_type=pkce`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-supabase-api-version': '2024-01-01' },
      body: JSON.stringify({ auth_code: 'no-such-code', code_verifier: 'y'.repeat(43) }),
    });
    expect(raw.status).toBe(404);
    expect(await raw.json()).toEqual({ code: 'flow_state_not_found', message: expect.any(String) });
    // Missing fields: 400 validation_failed, naming the field; the legacy shape without the version header.
    const empty = await fetch(`${s.url}/auth/v1/token?grant_type=pkce`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ code: 400, error_code: 'validation_failed', msg: expect.stringContaining('auth_code') });
  });

  it('refuses a redirect_to that is not allowed, loudly, and sends nothing', async () => {
    const email = address('redirect');
    const { supabase } = client('pkce');
    const { error } = await supabase.auth.signInWithOtp({ email, options: { emailRedirectTo: 'https://evil.example/steal' } });
    expect(error?.status).toBe(400);
    expect(error?.code).toBe('validation_failed');
    expect(error?.message).toContain('AUTH_REDIRECT_ALLOW_LIST');
    await expectNoMail(email);
  });

  it('answers the same for unknown addresses when users may not be created, and sends nothing', async () => {
    const unknown = address('unknown');
    const { supabase } = client('pkce');
    const response = await supabase.auth.signInWithOtp({ email: unknown, options: { shouldCreateUser: false } });
    expect(response.error).toBeNull();
    expect(response.data).toEqual({ user: null, session: null });
    await expectNoMail(unknown);
  });

  it('limits sends per address with a 429 the client sees as such', async () => {
    const email = address('limit');
    const { supabase } = client('pkce');
    expect((await supabase.auth.signInWithOtp({ email })).error).toBeNull();
    const second = await supabase.auth.signInWithOtp({ email });
    expect(second.error?.status).toBe(429);
    expect(second.error?.code).toBe('over_email_send_rate_limit');
  });
});

// /auth/v1 and /auth/confirm on real workerd (`wrangler dev`), with the Node workers sending the mail from the same Redis.
import { createClient } from '@supabase/supabase-js';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningWorkers } from '../workers/index';
import { startTestWorkers } from './fixtures/workers';
import { agent, codeOf, formOf, linkOf, memoryStorage, realtimeTransport, submit } from './auth-helpers';
import { testEnv, type TestEnv } from './helpers';
import { listOutbox } from '../src/store/outbox';
import { freePort } from '../node/free-port';

const ROOT = new URL('..', import.meta.url).pathname;

let dir: string;
let wrangler: ChildProcess;
let output = '';
let t: TestEnv;
let workers: RunningWorkers;
let url: string;

beforeAll(async () => {
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  t = testEnv({ PUBLIC_BASE_URL: url, AUTH_EMAIL_COOLDOWN_SECONDS: '0' });
  workers = await startTestWorkers(t);
  // wrangler keeps its build and state next to its config: a temporary one keeps the repository clean.
  dir = mkdtempSync(join(tmpdir(), 'tidings-wrangler-'));
  writeFileSync(
    join(dir, 'wrangler.toml'),
    `name = "tidings-auth-test"\nmain = "${join(ROOT, 'src/worker.ts')}"\ncompatibility_date = "2026-04-01"\ncompatibility_flags = ["nodejs_compat"]\n`,
  );
  const vars = { ...t.env, LOG_LEVEL: 'warn' } as Record<string, string>;
  const args = [
    join(ROOT, 'node_modules/wrangler/bin/wrangler.js'),
    'dev',
    '--config',
    join(dir, 'wrangler.toml'),
    '--port',
    String(port),
    '--ip',
    '127.0.0.1',
    '--show-interactive-dev-session=false',
  ];
  for (const [k, v] of Object.entries(vars)) if (v !== undefined) args.push('--var', `${k}:${v}`);
  wrangler = spawn(process.execPath, args, {
    cwd: dir,
    detached: true,
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  wrangler.stdout!.on('data', (d) => (output += d));
  wrangler.stderr!.on('data', (d) => (output += d));
  const deadline = Date.now() + 45_000;
  while (!/Ready on/.test(output)) {
    if (wrangler.exitCode !== null || Date.now() > deadline) throw new Error(`wrangler dev did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}, 60_000);

afterAll(async () => {
  if (wrangler?.pid && wrangler.exitCode === null) {
    const exited = new Promise((r) => wrangler.once('exit', r));
    process.kill(-wrangler.pid, 'SIGTERM');
    await exited;
  }
  await workers?.close();
  await t?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function mailTo(email: string) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const message = (await listOutbox(t.db)).find((m) => m.to.includes(email));
    if (message) return { link: linkOf(message), code: codeOf(message) };
    if (Date.now() > deadline) throw new Error(`no email to ${email}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('sign-in on Cloudflare Workers (wrangler dev)', () => {
  it('serves /auth/v1 to supabase-js: PKCE through the button page, then getUser, refresh and sign-out', async () => {
    const storage = memoryStorage();
    const supabase = createClient(url, 'anon', {
      auth: { flowType: 'pkce', storage, autoRefreshToken: false, detectSessionInUrl: false },
      realtime: { transport: realtimeTransport as never },
    });
    const email = `workers-${Date.now()}@example.com`;
    expect((await supabase.auth.signInWithOtp({ email, options: { emailRedirectTo: `${url}/somewhere` } })).error).toBeNull();
    const { link } = await mailTo(email);
    expect(link.startsWith(`${url}/auth/v1/verify?token=pkce_`)).toBe(true);
    const browser = agent(url);
    // GET (and HEAD) on Workers use nothing up either.
    expect((await browser.get(link, 'HEAD')).status).toBe(200);
    const form = formOf(await (await browser.get(link)).text(), '/auth/v1/verify');
    const pressed = await browser.post(form.action, form.fields);
    expect(pressed.status).toBe(303);
    const code = new URL(pressed.headers.get('location')!).searchParams.get('code')!;
    const exchanged = await supabase.auth.exchangeCodeForSession(code);
    expect(exchanged.error).toBeNull();
    expect((await supabase.auth.getUser()).data.user?.email).toBe(email);
    expect((await supabase.auth.refreshSession()).error).toBeNull();
    expect((await supabase.auth.signOut()).error).toBeNull();
  });

  it('serves /auth/confirm: the token-hash button page, the sign-in POST with its cookie, the code, and CSRF', async () => {
    const email = `confirm-${Date.now()}@example.com`;
    const otp = await fetch(`${url}/auth/v1/otp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email }),
    });
    expect(otp.status).toBe(200);
    const { link } = await mailTo(email);
    const token = new URL(link).searchParams.get('token')!;
    const browser = agent(url);
    const page = await browser.get(`/auth/confirm?token_hash=${token}&type=email&next=/account`);
    const html = await page.text();
    expect(html).toContain(`Sign in as c•••@example.com`);
    const form = formOf(html, '/auth/confirm');
    expect((await submit(url, form.action, form.fields, { origin: 'https://evil.example' })).status).toBe(403);
    const done = await browser.post(form.action, form.fields);
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/account');
    expect(await (await browser.get('/account')).text()).toContain(email);

    const implicit = await fetch(`${url}/auth/confirm`);
    expect(implicit.headers.get('content-security-policy')).toMatch(/script-src 'self' 'nonce-/);
    const failed = await fetch(`${url}/auth/confirm?error=access_denied&error_code=otp_expired`);
    expect(failed.status).toBe(400);
    expect(await failed.text()).toContain('Send a new link');
  });
});

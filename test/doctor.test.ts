// `tidings doctor`: the real Resend SDK against the local fake, DNS of a domain that cannot resolve, a base URL that answers.
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeResend } from './fixtures/resend-server';
import { testEnv, type TestEnv } from './helpers';
import { mailFromDomain } from '../cli/commands/doctor';

const BIN = new URL('../bin/tidings.js', import.meta.url).pathname;

function doctor(env: Record<string, string | undefined>): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(process.execPath, [BIN, 'doctor'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stdout += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout })));
}

let t: TestEnv | undefined;
let resend: FakeResend | undefined;
afterEach(async () => {
  await resend?.close();
  await t?.cleanup();
  t = resend = undefined;
});

describe('tidings doctor', () => {
  it('reads the domain of MAIL_FROM', () => {
    expect(mailFromDomain('Tidings <briefing@News.Example.com>')).toBe('news.example.com');
    expect(mailFromDomain('briefing@example.org')).toBe('example.org');
    expect(mailFromDomain('Tidings')).toBeNull();
  });

  it('checks the key and the sending domain through Resend, the DNS records, and says exactly what to fix', async () => {
    t = testEnv();
    resend = new FakeResend({ apiKey: 're_test', domains: { 'mail.tidings.invalid': 'pending', 'other.example': 'verified' } });
    await resend.start();
    const env = {
      ...t.env,
      RESEND_API_KEY: 're_test',
      RESEND_BASE_URL: resend.url,
      MAIL_FROM: 'Tidings <briefing@mail.tidings.invalid>',
      PUBLIC_BASE_URL: 'http://127.0.0.1:1',
    };
    const run = await doctor(env);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('✓ Configuration: valid');
    expect(run.stdout).toContain('✓ Redis: answers at');
    expect(run.stdout).toContain('✓ Resend API key: accepted; 2 domain(s) on the account');
    expect(run.stdout).toContain('✗ Sending domain mail.tidings.invalid: Resend says "pending"');
    expect(run.stdout).toContain('fix: publish the DNS records Resend shows for mail.tidings.invalid');
    // .invalid never resolves: either DNS says there is no record or it cannot be asked; the advice is printed either way.
    expect(run.stdout).toMatch(/DMARC \(_dmarc\.mail\.tidings\.invalid\): (no record|could not look it up)/);
    expect(run.stdout).toContain('"v=DMARC1; p=none; rua=mailto:dmarc@mail.tidings.invalid"');
    expect(run.stdout).toMatch(/SPF \(send\.mail\.tidings\.invalid\)[\s\S]*v=spf1 include:amazonses\.com ~all/);
    expect(run.stdout).toMatch(/✗ PUBLIC_BASE_URL: http:\/\/127\.0\.0\.1:1\/healthz does not answer/);

    const badKey = await doctor({ ...env, RESEND_API_KEY: 're_wrong' });
    expect(badKey.stdout).toContain('✗ Resend API key: Resend refused it: API key is invalid');
  }, 60_000);
});

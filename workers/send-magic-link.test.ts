import { afterEach, describe, expect, it } from 'vitest';
import type { OutgoingEmail } from '../src/contracts';
import { requestLink } from '../src/identity/gotrue';
import { memoryLogger, testEnv, type TestEnv } from '../test/helpers';
import type { MailTransport, SendResult } from './mail/transport';
import { startMagicLinkWorker, type RunningMagicLinkWorker } from './send-magic-link';

let t: TestEnv;
let worker: RunningMagicLinkWorker | undefined;
afterEach(async () => {
  await worker?.close();
  worker = undefined;
  await t.cleanup();
});

/** A transport that refuses the first `failures` sends, then keeps what it is given. */
function flakyTransport(failures: number): MailTransport & { sent: Array<{ email: OutgoingEmail; key: string }>; attempts: number } {
  const sent: Array<{ email: OutgoingEmail; key: string }> = [];
  const transport = {
    name: 'dev-outbox' as const,
    sent,
    attempts: 0,
    async sendOne(email: OutgoingEmail, key: string): Promise<SendResult> {
      transport.attempts++;
      if (transport.attempts <= failures)
        return { kind: 'retry', reason: 'provider timed out', mayHaveBeenProcessed: false, rateLimit: null };
      sent.push({ email, key });
      return { kind: 'accepted', id: `m${sent.length}`, rateLimit: null };
    },
    sendsPreparedBody: false,
    sendBatch(): never {
      throw new Error('the sign-in mail worker sends one email at a time');
    },
  };
  return transport;
}

async function until(what: string, check: () => boolean | Promise<boolean>) {
  const deadline = Date.now() + 8000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the sign-in mail worker', () => {
  it('sends requests made before it started, and retries a failed send until it goes out', async () => {
    t = testEnv();
    const deps = { db: t.db, config: t.config, now: t.now };
    expect((await requestLink(deps, { email: 'early@example.com', create_user: true }, { redirectTo: null, ip: null })).ok).toBe(true);
    const transport = flakyTransport(1);
    const log = memoryLogger();
    worker = await startMagicLinkWorker({ config: t.config, db: t.db, log, transport, claimIdleMs: 200 });
    await until('the mail is sent', () => transport.sent.length === 1);
    expect(transport.attempts).toBe(2);
    const [{ email, key }] = transport.sent as [{ email: OutgoingEmail; key: string }];
    expect(email.to).toEqual(['early@example.com']);
    expect(email.subject).toBe('Confirm your email for Tidings');
    expect(email.text).toContain('http://tidings.test/auth/v1/verify?token=');
    expect(key).toMatch(/^magic-link\/\d+-\d+$/);
    expect(log.lines.some((l) => l.msg === 'sign-in mail not sent yet; will retry')).toBe(true);
    await until('the request leaves the stream', async () => (await t.db.redis.xlen(t.db.keys.authMail)) === 0);
  });

  it('gives up at once on a request the provider refuses, and says so', async () => {
    t = testEnv();
    expect(
      (
        await requestLink(
          { db: t.db, config: t.config, now: t.now },
          { email: 'refused@example.com', create_user: true },
          { redirectTo: null, ip: null },
        )
      ).ok,
    ).toBe(true);
    let attempts = 0;
    const refusing: MailTransport = {
      name: 'resend',
      async sendOne() {
        attempts++;
        return { kind: 'refused', reason: 'Resend answered 422 validation_error: Invalid `to` field', rateLimit: null };
      },
      sendsPreparedBody: false,
      sendBatch(): never {
        throw new Error('the sign-in mail worker sends one email at a time');
      },
    };
    const log = memoryLogger();
    worker = await startMagicLinkWorker({ config: t.config, db: t.db, log, transport: refusing, claimIdleMs: 200 });
    await until('the request leaves the stream', async () => (await t.db.redis.xlen(t.db.keys.authMail)) === 0);
    expect(attempts).toBe(1);
    expect(log.lines.find((l) => l.msg === 'sign-in mail could not be sent; given up')?.obj).toMatchObject({
      err: expect.stringMatching(/Invalid `to` field/),
    });
  });

  it('drops a request it cannot open, and says so', async () => {
    t = testEnv();
    const transport = flakyTransport(0);
    const log = memoryLogger();
    worker = await startMagicLinkWorker({ config: t.config, db: t.db, log, transport });
    await t.db.redis.xadd(t.db.keys.authMail, '*', 'kind', 'magic-link', 'sealed', 'not-a-sealed-request');
    await until('the request is dropped', () => log.lines.some((l) => l.msg === 'sign-in mail request dropped'));
    expect(transport.attempts).toBe(0);
    expect(await t.db.redis.xlen(t.db.keys.authMail)).toBe(0);
  });
});

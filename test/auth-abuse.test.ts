// Sign-in abuse by a stranger (issue 12, items 8, 9, 13): telling who has an account by timing, planting
// metadata on someone else's account, and locking a person out of their own code. Real app, real Redis.
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MagicLinkMail } from '../src/contracts/auth';
import { unseal } from '../src/core/auth/sealed';
import { MAIL_SEAL_PURPOSE } from '../src/identity/gotrue';
import { findUserByEmail } from '../src/store/auth';
import { testApp, testEnv, type TestEnv } from './helpers';

let t: TestEnv;
let app: ReturnType<typeof testApp>['app'];
beforeEach(() => {
  // No cooldown, so one address can ask for several links in a test.
  t = testEnv({ AUTH_EMAIL_COOLDOWN_SECONDS: '0', AUTH_EMAIL_HOURLY_LIMIT: '100', AUTH_IP_HOURLY_LIMIT: '1000' });
  ({ app } = testApp(t));
});
afterEach(() => t.cleanup());

const json = { 'content-type': 'application/json' };
const otp = (body: object, ip = '198.51.100.7') =>
  app.request('/auth/v1/otp', { method: 'POST', headers: { ...json, 'cf-connecting-ip': ip }, body: JSON.stringify(body) });
const verify = (body: object, ip = '198.51.100.7') =>
  app.request('/auth/v1/verify', { method: 'POST', headers: { ...json, 'cf-connecting-ip': ip }, body: JSON.stringify(body) });

/** The newest sign-in mail request on the stream, opened as the worker would. */
async function lastMail(): Promise<MagicLinkMail> {
  const [[, fields]] = (await t.db.redis.xrevrange(t.db.keys.authMail, '+', '-', 'COUNT', 1)) as [[string, string[]]];
  return (await unseal(fields[fields.indexOf('sealed') + 1]!, t.config.authJwtSecret, MAIL_SEAL_PURPOSE)) as MagicLinkMail;
}

async function signIn(email: string, data?: object) {
  expect((await otp({ email, ...(data ? { data } : {}) })).status).toBe(200);
  const mail = await lastMail();
  const session = await verify({ type: 'magiclink', token_hash: mail.token });
  expect(session.status).toBe(200);
  return (await session.json()) as { user: { user_metadata: Record<string, unknown> } };
}

describe('metadata sent with a link request (item 9)', () => {
  it('refuses oversized metadata, naming the field and the limit', async () => {
    const response = await otp({ email: 'victim@example.com', data: { is_admin: true, pad: 'x'.repeat(9000) } });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { msg: string }).msg).toMatch(/^data: .*2048/);
    expect(await findUserByEmail(t.db, 'victim@example.com')).toBeNull();
  });

  it('refuses too many keys, odd key names and privilege-looking keys', async () => {
    const many = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, i]));
    for (const data of [many, { 'bad key!': 1 }, { role: 'service_role' }, { is_admin: true }]) {
      const response = await otp({ email: 'victim@example.com', data });
      expect(response.status, JSON.stringify(data)).toBe(400);
      expect(((await response.json()) as { msg: string }).msg, JSON.stringify(data)).toMatch(/^data/);
    }
  });

  it("does not let a stranger's request decide the metadata of an address they cannot confirm", async () => {
    expect((await otp({ email: 'victim@example.com', data: { nickname: 'set-by-a-stranger' } }, '203.0.113.9')).status).toBe(200);
    const stored = await findUserByEmail(t.db, 'victim@example.com');
    expect(stored?.user_metadata).toEqual({});
    // The person asks for their own link and confirms it: the stranger's metadata is nowhere.
    const session = await signIn('victim@example.com');
    expect(session.user.user_metadata).toEqual({});
  });

  it('keeps the metadata of the request that confirmed the address, and ignores it for a confirmed account', async () => {
    expect((await signIn('ada@example.com', { name: 'Ada' })).user.user_metadata).toEqual({ name: 'Ada' });
    expect((await signIn('ada@example.com', { name: 'Someone else' })).user.user_metadata).toEqual({ name: 'Ada' });
  });
});

describe('wrong codes from one client (item 13)', () => {
  it('let the person still sign in with the right code from their own client, and with the link', async () => {
    expect((await otp({ email: 'victim@example.com' })).status).toBe(200);
    const mail = await lastMail();
    const wrong = mail.code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++)
      expect((await verify({ type: 'email', email: 'victim@example.com', token: wrong }, '203.0.113.9')).status).toBe(403);
    // The guesser is stopped...
    expect((await verify({ type: 'email', email: 'victim@example.com', token: mail.code }, '203.0.113.9')).status).toBe(429);
    // ...the person is not.
    expect((await verify({ type: 'email', email: 'victim@example.com', token: mail.code }, '198.51.100.7')).status).toBe(200);
  });

  it('keep the emailed link working after codes for the address are locked everywhere', async () => {
    expect((await otp({ email: 'victim@example.com' })).status).toBe(200);
    const mail = await lastMail();
    const wrong = mail.code === '000000' ? '111111' : '000000';
    // Guessers on many addresses use up the address's allowance of codes: no one can guess on.
    for (let client = 0; client < 12; client++) {
      for (let i = 0; i < 5; i++) await verify({ type: 'email', email: 'victim@example.com', token: wrong }, `203.0.113.${client}`);
    }
    expect((await verify({ type: 'email', email: 'victim@example.com', token: mail.code }, '198.51.100.7')).status).toBe(429);
    expect((await verify({ type: 'magiclink', token_hash: mail.token }, '198.51.100.7')).status).toBe(200);
  });
});

describe('whether an address has an account (item 8)', () => {
  /** The commands this test's Redis connection sends while `act` runs, by name, in order (seen through MONITOR). */
  async function commandsDuring(act: () => Promise<unknown>): Promise<string[]> {
    const info = (await t.db.redis.call('CLIENT', 'INFO')) as string;
    const addr = /addr=(\S+)/.exec(info)![1]!;
    const monitor = await new Redis(t.redisUrl).monitor();
    const seen: string[] = [];
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (source.endsWith(addr)) seen.push(args[0]!.toLowerCase());
    });
    try {
      await act();
      await t.db.redis.ping('end-of-act');
      for (let i = 0; i < 100 && !(seen.at(-1) === 'ping'); i++) await new Promise((r) => setTimeout(r, 10));
    } finally {
      monitor.disconnect();
    }
    return seen.slice(0, -1);
  }

  it('does the same Redis work for a known address and an unknown one with create_user:false', async () => {
    await signIn('known@example.com');
    const known = await commandsDuring(async () =>
      expect((await otp({ email: 'known@example.com', create_user: false }, '192.0.2.1')).status).toBe(200),
    );
    const unknown = await commandsDuring(async () =>
      expect((await otp({ email: 'nobody@example.com', create_user: false }, '192.0.2.2')).status).toBe(200),
    );
    expect(known.length).toBeGreaterThan(3);
    expect(unknown).toEqual(known);
    // And still no account, and no mail, for the unknown address.
    expect(await findUserByEmail(t.db, 'nobody@example.com')).toBeNull();
  });
});

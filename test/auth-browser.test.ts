// Real Chromium (playwright-core + Debian's chromium) through the sign-in journeys a new reader takes.
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuthServer, type AuthServer } from './auth-helpers';

const SAFE_LINKS_UA = 'Mozilla/4.0 (compatible; ms-office; MSOffice 16) SafeLinks';

let s: AuthServer;
let browser: Browser;
beforeAll(async () => {
  [s, browser] = await Promise.all([
    startAuthServer({ AUTH_EMAIL_COOLDOWN_SECONDS: '0' }),
    chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true, // playwright passes --headless and a fresh temporary --user-data-dir
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    }),
  ]);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

let n = 0;
const address = () => `browser${++n}-${Date.now()}@example.com`;

async function freshPage(): Promise<Page> {
  const context = await browser.newContext();
  return context.newPage();
}

async function askForLink(page: Page, email: string) {
  await page.goto(`${s.url}/sign-in?next=/account`);
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
  await page.getByRole('heading', { name: 'Check your email' }).waitFor();
}

async function expectSignedIn(page: Page, email: string) {
  await page.waitForURL(`${s.url}/account`);
  expect(await page.getByRole('heading').first().textContent()).toBe('You are signed in');
  expect(await page.textContent('body')).toContain(email);
}

describe('in a real browser', () => {
  it('takes a new reader from /sign-in to signed in', async () => {
    const page = await freshPage();
    const email = address();
    await askForLink(page, email);
    const mail = await s.nextMail(email);
    await page.goto(mail.link);
    await page.getByRole('button', { name: `Sign in as ${email[0]}•••@example.com` }).click();
    await expectSignedIn(page, email);
    await page.context().close();
  });

  it('signs in a second, fresh browser context that opens the same link, and says why', async () => {
    const asked = await freshPage();
    const email = address();
    await askForLink(asked, email);
    const mail = await s.nextMail(email);
    const other = await freshPage();
    await other.goto(mail.link);
    expect(await other.textContent('body')).toContain('requested in another browser');
    await other.getByRole('button', { name: /^Sign in as/ }).click();
    await expectSignedIn(other, email);
    await Promise.all([asked.context().close(), other.context().close()]);
  });

  it('still signs in after a Safe Links client fetched the link first', async () => {
    const page = await freshPage();
    const email = address();
    await askForLink(page, email);
    const mail = await s.nextMail(email);
    for (const method of ['HEAD', 'GET', 'GET']) {
      const response = await fetch(mail.link, { method, headers: { 'user-agent': SAFE_LINKS_UA }, redirect: 'follow' });
      expect(response.status).toBe(200);
    }
    await page.goto(mail.link);
    await page.getByRole('button', { name: /^Sign in as/ }).click();
    await expectSignedIn(page, email);
    await page.context().close();
  });

  it('finishes the implicit flow: the fragment is read by the nonce script and checked on the server', async () => {
    const email = address();
    const otp = await fetch(`${s.url}/auth/v1/otp?redirect_to=${encodeURIComponent(`${s.url}/auth/confirm?next=/account`)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', apikey: 'anon' },
      body: JSON.stringify({ email }),
    });
    expect(otp.status).toBe(200);
    const mail = await s.nextMail(email);
    const page = await freshPage();
    const violations: string[] = [];
    page.on('console', (m) => m.text().includes('Content Security Policy') && violations.push(m.text()));
    await page.goto(mail.link);
    await page.getByRole('button', { name: /^Sign in as/ }).click();
    await expectSignedIn(page, email);
    expect(violations).toEqual([]);
    await page.context().close();
  });

  describe('a link that cannot sign in leads to the right page and a working "send a new link"', () => {
    it('expired', async () => {
      const page = await freshPage();
      const email = address();
      await askForLink(page, email);
      const mail = await s.nextMail(email);
      s.advance(16 * 60);
      try {
        await page.goto(mail.link);
        expect(await page.getByRole('heading').first().textContent()).toBe('This sign-in link has expired or was already used');
        await page.getByRole('button', { name: `Send a new link to ${email[0]}•••@example.com` }).click();
        await page.getByRole('heading', { name: 'Check your email' }).waitFor();
        const fresh = await s.nextMail(email, new Set([mail.message.id]));
        await page.goto(fresh.link);
        await page.getByRole('button', { name: /^Sign in as/ }).click();
        await expectSignedIn(page, email);
      } finally {
        s.advance(-16 * 60);
        await page.context().close();
      }
    });

    it('used', async () => {
      const page = await freshPage();
      const email = address();
      await askForLink(page, email);
      const mail = await s.nextMail(email);
      await page.goto(mail.link);
      await page.getByRole('button', { name: /^Sign in as/ }).click();
      await expectSignedIn(page, email);
      const other = await freshPage();
      await other.goto(mail.link);
      expect(await other.getByRole('heading').first().textContent()).toBe('This sign-in link has expired or was already used');
      await other.getByRole('button', { name: /^Send a new link to/ }).click();
      await other.getByRole('heading', { name: 'Check your email' }).waitFor();
      await s.nextMail(email, new Set([mail.message.id]));
      await Promise.all([page.context().close(), other.context().close()]);
    });

    it('tampered', async () => {
      const page = await freshPage();
      const email = address();
      await askForLink(page, email);
      const mail = await s.nextMail(email);
      await page.goto(mail.link.replace(/token=pkce_(.)/, (_, ch: string) => `token=pkce_${ch === 'A' ? 'B' : 'A'}`));
      expect(await page.getByRole('heading').first().textContent()).toBe('This sign-in link does not work');
      await page.getByLabel('Send a new link to').fill(email);
      await page.getByRole('button', { name: 'Send a new link' }).click();
      await page.getByRole('heading', { name: 'Check your email' }).waitFor();
      await s.nextMail(email, new Set([mail.message.id]));
      await page.context().close();
    });
  });
});

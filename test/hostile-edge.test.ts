// What a stranger can send the edge app (issue 12): redirects after sign-in, oversized bodies, forged-looking
// tokens, malformed forms, odd topics, and what /healthz tells the public. Real app, real Redis.
import type { AddressInfo } from 'node:net';
import type { ServerType } from '@hono/node-server';
import { serializeSigned } from 'hono/utils/cookie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listen } from '../node/main';
import { nodeHmacSha256 } from '../workers/node-hmac';
import { toBase64Url, utf8 } from '../src/core/encoding';
import { saveSiteSession } from '../src/store/auth';
import { ensureSubscriber, getSubscriber, saveSubscriber } from '../src/store/subscribers';
import { testApp, testEnv, type TestEnv } from './helpers';
import { browserAgent, linkPayload, linksApp } from './links-helpers';

const WEBHOOK_SECRET = 'whsec_dGVzdC13ZWJob29rLXNlY3JldC10ZXN0LXdlYmhvb2s=';
let t: TestEnv;

beforeEach(() => {
  t = testEnv({ RESEND_WEBHOOK_SECRET: WEBHOOK_SECRET, LINK_SIGNING_KEYS: 'k2:current-secret-current-secret-current' });
});
afterEach(() => t.cleanup());

/** A cookie header for a signed-in visitor of this site. */
async function signedInCookie(): Promise<string> {
  const id = 'session-hostile-edge';
  await saveSiteSession(
    t.db,
    id,
    {
      user_id: 'u1',
      email: 'reader@example.com',
      provider: 'builtin',
      access_token: 'a',
      refresh_token: 'r',
      expires_at: 0,
      created_at: 0,
    },
    3600,
  );
  return (await serializeSigned('tidings_session', id, t.config.SESSION_SECRET)).split(';')[0]!;
}

describe('next after signing in (item 2)', () => {
  it.each(['/.//evil.com', '/..//evil.com', '/a/..//evil.com'])(
    'never sends a signed-in visitor of /auth/confirm?next=%s to another host',
    async (next) => {
      const { app } = testApp(t);
      const response = await app.request(`/auth/confirm?code=x&next=${encodeURIComponent(next)}`, {
        headers: { cookie: await signedInCookie() },
      });
      const location = response.headers.get('location');
      if (location !== null) expect(new URL(location, t.config.PUBLIC_BASE_URL).origin).toBe(new URL(t.config.PUBLIC_BASE_URL).origin);
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('points to another site');
    },
  );

  it('still takes a signed-in visitor to a next on this site', async () => {
    const { app } = testApp(t);
    const response = await app.request(`/auth/confirm?code=x&next=${encodeURIComponent('/a/../account')}`, {
      headers: { cookie: await signedInCookie() },
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/account');
  });
});

/** A body of `total` bytes handed out in 64 KiB pulls, counting how much the server asked for. */
function countedBody(total: number, chunk = utf8('{"pad":"' + 'x'.repeat(65_536 - 8))) {
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= total) return controller.close();
      pulled += chunk.length;
      controller.enqueue(chunk);
    },
  });
  return { stream, pulled: () => pulled };
}

describe('request bodies (item 4)', () => {
  const huge = 8 * 1024 * 1024;

  it.each([
    ['/webhooks/resend', 'application/json'],
    ['/auth/v1/otp', 'application/json'],
  ])('refuses an 8 MiB streamed body to %s with 413 JSON after reading a small part of it', async (path, type) => {
    const { app } = testApp(t);
    const body = countedBody(huge);
    const response = await app.request(path, {
      method: 'POST',
      body: body.stream,
      headers: { 'content-type': type },
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(((await response.json()) as { error: string }).error).toBe('body_too_large');
    expect(body.pulled()).toBeLessThan(1024 * 1024);
  });

  it('refuses a body announced as too large before reading any of it', async () => {
    const { app } = testApp(t);
    const body = countedBody(huge);
    const response = await app.request('/auth/v1/otp', {
      method: 'POST',
      body: body.stream,
      headers: { 'content-type': 'application/json', 'content-length': String(huge) },
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(body.pulled()).toBeLessThanOrEqual(65_536);
  });

  it('answers an oversized form with a page that says what to do', async () => {
    const { app } = testApp(t);
    const response = await app.request('/sign-in', {
      method: 'POST',
      body: new URLSearchParams({ email: 'a@example.com', pad: 'x'.repeat(200_000) }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: t.config.PUBLIC_BASE_URL },
    });
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(await response.text()).toContain('too large');
  });

  it('stops reading a streamed body on the Node server and answers 413', async () => {
    const { app, recorder } = testApp(t);
    const server: ServerType = await listen(app.fetch, { PORT: 0, HOST: '127.0.0.1' }, { signer: t.signer, recorder, now: t.now });
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const body = countedBody(huge);
      const response = await fetch(`${base}/auth/v1/otp`, {
        method: 'POST',
        body: body.stream,
        headers: { 'content-type': 'application/json' },
        duplex: 'half',
      } as RequestInit).catch((error: unknown) => error);
      // The server may answer 413 or cut the upload short; either way it did not take the whole body.
      if (response instanceof Response) expect(response.status).toBe(413);
      expect(body.pulled()).toBeLessThan(huge);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

/** A token signed with the test key whose payload no signer of ours would have made. */
function forgedButSigned(payload: object): string {
  const head = `t1.k2.${toBase64Url(utf8(JSON.stringify(payload)))}`;
  const tag = nodeHmacSha256(utf8('current-secret-current-secret-current'), head).subarray(0, 16);
  return `${head}.${toBase64Url(tag)}`;
}

describe('signed tokens with payloads that cannot be used (item 6)', () => {
  it.each(['http://exa mple.com/', 'https://[é/', 'http://', 'https://a\u0000b/'])(
    'answers 400 on both adapters for destination %j, and the process lives',
    async (url) => {
      const { app, recorder } = linksApp(t);
      const server: ServerType = await listen(app.fetch, { PORT: 0, HOST: '127.0.0.1' }, { signer: t.signer, recorder, now: t.now });
      try {
        const token = forgedButSigned({ u: url, s: 'sub_1', e: 'ed_1', k: 'article' });
        const viaHono = await app.request(`/c/${token}`, { headers: { 'user-agent': browserAgent } });
        const viaNode = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/c/${token}`, {
          headers: { 'user-agent': browserAgent },
          redirect: 'manual',
        });
        for (const response of [viaHono, viaNode]) {
          expect(response.status).toBe(400);
          expect(response.headers.get('location')).toBeNull();
          expect(await response.text()).toContain('This link doesn&#39;t work');
        }
      } finally {
        await new Promise((resolve) => server.close(resolve));
        await recorder.flush();
      }
    },
  );
});

describe('client mistakes in forms (item 15)', () => {
  const broken = '--x\r\nContent-Disposition: form-data; name="do"\r\n\r\napply'; // no closing boundary

  it('answers malformed multipart on POST /a/<token> with 400 and a page saying what to do', async () => {
    const { app } = testApp(t);
    const subscriber = (await ensureSubscriber(t.db, { email: 'reader@example.com' }, t.now())).subscriber;
    const token = await t.signer.sign(linkPayload(t, { kind: 'bookmark', subscriber: subscriber.id }));
    const response = await app.request(`/a/${token}`, {
      method: 'POST',
      body: broken,
      headers: { 'content-type': 'multipart/form-data; boundary=x', origin: t.config.PUBLIC_BASE_URL },
    });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('could not be read');
    expect(html).toContain('press the button again');
  });

  it('answers malformed multipart on POST /sign-in with 400 and a page saying what to do', async () => {
    const { app } = testApp(t);
    const response = await app.request('/sign-in', {
      method: 'POST',
      body: broken,
      headers: { 'content-type': 'multipart/form-data; boundary=x', origin: t.config.PUBLIC_BASE_URL },
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('could not be read');
  });
});

describe('input limits (item 14)', () => {
  it('refuses a 100,000-character local part on /auth/v1/otp, naming the field, and sends nothing', async () => {
    const { app } = testApp(t);
    const response = await app.request('/auth/v1/otp', {
      method: 'POST',
      body: JSON.stringify({ email: `${'a'.repeat(100_000)}@example.com` }),
      headers: { 'content-type': 'application/json' },
    });
    expect([400, 413]).toContain(response.status);
    const body = (await response.json()) as { msg?: string; message?: string; error?: string };
    expect(JSON.stringify(body)).toMatch(/email|larger than this endpoint accepts/);
    expect(await t.db.redis.xlen(t.db.keys.authMail)).toBe(0);
  });

  it('refuses a 300-character local part with a message naming the email field', async () => {
    const { app } = testApp(t);
    const response = await app.request('/auth/v1/otp', {
      method: 'POST',
      body: JSON.stringify({ email: `${'a'.repeat(300)}@example.com` }),
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { msg: string }).msg).toMatch(/^email: .*(64|254)/);
  });

  it('lets a reader drop a topic with < or " in it from the preferences page', async () => {
    const { app } = testApp(t);
    const odd = 'c<sharp> "quoted"';
    const subscriber = (await ensureSubscriber(t.db, { email: 'reader@example.com', topics: ['cooking'] }, t.now())).subscriber;
    await saveSubscriber(t.db, { ...subscriber, topics: ['cooking', odd] });
    const token = await t.signer.sign({
      url: `${t.config.PUBLIC_BASE_URL}/preferences`,
      subscriber: subscriber.id,
      edition: 'ed-1',
      article: null,
      position: null,
      kind: 'preferences',
      sent_at: null,
    });
    const page = await (await app.request(`/preferences/${token}`)).text();
    expect(page).toContain('c&lt;sharp&gt; &quot;quoted&quot;');
    const response = await app.request(`/preferences/${token}/topics/drop`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: t.config.PUBLIC_BASE_URL },
      body: new URLSearchParams({ topic: odd }).toString(),
    });
    expect(response.status).toBe(303);
    expect((await getSubscriber(t.db, subscriber.id))!.topics).toEqual(['cooking']);
  });
});

describe('what /healthz tells the public (item 16)', () => {
  it('answers a stranger with the status only', async () => {
    const { app } = testApp(t);
    const response = await app.request('/healthz');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('shows the operator the detailed view with the operator token', async () => {
    const { app } = testApp(t);
    const response = await app.request('/healthz', { headers: { authorization: `Bearer ${t.config.OPERATOR_TOKEN}` } });
    expect(await response.json()).toMatchObject({ status: 'ok', redis: 'up', env: 'test', mail: 'dev-outbox', events: { recorded: 0 } });
  });
});

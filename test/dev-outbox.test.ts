import { afterEach, describe, expect, it } from 'vitest';
import { pushOutbox } from '../src/store/outbox';
import { testApp, testEnv, type TestEnv } from './helpers';
import { productionEnv as production } from './production-env';

let t: TestEnv;
afterEach(() => t.cleanup());

const email = {
  from: 'Tidings <b@tidings.localhost>',
  to: ['a@example.com'],
  subject: 'Hello',
  html: '<p>Hi</p>',
  text: 'Hi',
  headers: { 'X-Test': '1' },
};

describe('the dev outbox', () => {
  it('lists messages newest first as JSON, with every field', async () => {
    t = testEnv();
    await pushOutbox(t.db, email, new Date('2026-11-20T10:00:00Z'));
    await pushOutbox(t.db, { ...email, subject: 'Second' }, new Date('2026-11-20T10:01:00Z'));
    const { app } = testApp(t);
    const body = (await (await app.request('/dev/outbox.json')).json()) as { messages: Array<Record<string, unknown>> };
    expect(body.messages.map((m) => m.subject)).toEqual(['Second', 'Hello']);
    expect(Object.keys(body.messages[1]!).sort()).toEqual(['created_at', 'from', 'headers', 'html', 'id', 'subject', 'text', 'to']);
    expect(body.messages[1]).toMatchObject({ to: ['a@example.com'], headers: { 'X-Test': '1' }, created_at: '2026-11-20T10:00:00.000Z' });
  });

  it('shows each message as a page, its HTML part and its text part', async () => {
    t = testEnv();
    const message = await pushOutbox(t.db, email, t.now());
    const { app } = testApp(t);
    const list = await (await app.request('/dev/outbox')).text();
    expect(list).toContain(`/dev/outbox/${message.id}`);
    const page = await (await app.request(`/dev/outbox/${message.id}`)).text();
    expect(page).toContain('Hello');
    expect(page).toContain('<pre>Hi</pre>');
    expect(await (await app.request(`/dev/outbox/${message.id}/html`)).text()).toBe('<p>Hi</p>');
    expect((await app.request('/dev/outbox/msg_missing')).status).toBe(404);
  });

  it('does not exist in production', async () => {
    t = testEnv(production);
    const { app } = testApp(t);
    for (const path of ['/dev/outbox', '/dev/outbox.json', '/dev/outbox/msg_x']) {
      expect((await app.request(path)).status, path).toBe(404);
    }
  });
});

describe('health', () => {
  it('answers 200 JSON with the Redis status (the detailed view, for the operator)', async () => {
    t = testEnv();
    const { app } = testApp(t);
    const response = await app.request('/healthz', { headers: { authorization: `Bearer ${t.config.OPERATOR_TOKEN}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', redis: 'up', mail: 'dev-outbox' });
  });

  it('answers 503 when Redis is unreachable, saying which node failed', async () => {
    t = testEnv({ REDIS_URL: 'redis://127.0.0.1:1' });
    const { app } = testApp(t);
    const response = await app.request('/healthz', { headers: { authorization: `Bearer ${t.config.OPERATOR_TOKEN}` } });
    expect(response.status).toBe(503);
    const body = (await response.json()) as { redis_problems?: string[] };
    expect(body).toMatchObject({ status: 'degraded', redis: 'down' });
    expect(body.redis_problems?.[0]).toMatch(/^127\.0\.0\.1:1: /);
    expect((await app.request('/healthz')).status).toBe(503);
  });
});

describe('refusals raised by middleware', () => {
  it('answers the operator API without a token with 401 and a page, never a 500', async () => {
    t = testEnv();
    const { app } = testApp(t);
    const response = await app.request('/ops/api/quarantine');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/Bearer/);
    expect(await response.text()).toContain('operator token');
    const authorised = await app.request('/ops/api/quarantine', { headers: { Authorization: `Bearer ${t.config.OPERATOR_TOKEN}` } });
    expect(authorised.status).toBe(200);
  });
});

// POST /webhooks/resend: verified on the raw body; hard bounces and complaints suppress the reader.
import { Resend } from 'resend';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../src/core/delivery/webhook-signature';
import { claimDeliveries, editionSummary, registerEdition } from '../src/store/deliveries';
import { getSubscriber } from '../src/store/subscribers';
import { createSubscribers } from './fixtures/subscribers';
import { testApp, testEnv, type TestEnv } from './helpers';
import { postWebhook as post, signWebhook as sign, WEBHOOK_SECRET as SECRET } from './webhook-helpers';

let t: TestEnv | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

const event = (type: string, extra: object = {}) =>
  JSON.stringify({
    type,
    created_at: '2026-11-23T07:00:05.000Z',
    data: { email_id: 'em_1', to: ['reader1@example.com'], tags: { edition: 'morning-2026-11-23', subscriber: 'sub_0000001' }, ...extra },
  });

describe('the Resend webhook', () => {
  it('accepts exactly what resend.webhooks.verify accepts', async () => {
    const sdk = new Resend('re_verify_only');
    const body = event('email.delivered');
    const ts = Math.floor(Date.now() / 1000);
    const good = sign(body, 'msg_1', ts);
    const cases = [
      { body, id: 'msg_1', timestamp: String(ts), signature: good },
      { body: body + ' ', id: 'msg_1', timestamp: String(ts), signature: good },
      { body, id: 'msg_2', timestamp: String(ts), signature: good },
      { body, id: 'msg_1', timestamp: String(ts - 3600), signature: sign(body, 'msg_1', ts - 3600) },
      { body, id: 'msg_1', timestamp: String(ts), signature: `v1,bm90IGl0 ${good}` },
      {
        body,
        id: 'msg_1',
        timestamp: String(ts),
        signature: sign(body, 'msg_1', ts, 'whsec_' + Buffer.from('another-secret-entirely-32-bytes').toString('base64')),
      },
    ];
    for (const c of cases) {
      let sdkAccepts = true;
      try {
        sdk.webhooks.verify({
          payload: c.body,
          headers: { id: c.id, timestamp: c.timestamp, signature: c.signature },
          webhookSecret: SECRET,
        });
      } catch {
        sdkAccepts = false;
      }
      const ours = await verifyWebhook(c.body, c, SECRET, new Date());
      expect(ours.ok, JSON.stringify(c).slice(0, 120)).toBe(sdkAccepts);
    }
  });

  it('suppresses the reader on a hard bounce and counts it against the edition', async () => {
    t = testEnv({ RESEND_WEBHOOK_SECRET: SECRET });
    const [, id] = await createSubscribers(t.db, 2);
    await registerEdition(t.db, 'morning-2026-11-23', 'morning', t.now());
    await claimDeliveries(t.db, 'morning-2026-11-23', 'b1', [id!], t.now());
    const { app } = testApp(t);
    const response = await post(
      app,
      event('email.bounced', { bounce: { type: 'Permanent', subType: 'General', message: 'mailbox does not exist' } }),
      'msg_b1',
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, duplicate: false, suppressed: true });
    expect((await getSubscriber(t.db, id!))!.status).toBe('suppressed');
    expect(await editionSummary(t.db, 'morning-2026-11-23')).toMatchObject({ bounced: 1 });
    // Resend retries deliveries of the same event: it is handled once.
    expect(await (await post(app, event('email.bounced', { bounce: { type: 'Permanent' } }), 'msg_b1')).json()).toMatchObject({
      duplicate: true,
    });
    expect(await editionSummary(t.db, 'morning-2026-11-23')).toMatchObject({ bounced: 1 });
  });

  it('suppresses on a complaint, records a delivery, and keeps a soft bounce without suppressing', async () => {
    t = testEnv({ RESEND_WEBHOOK_SECRET: SECRET });
    const [, id] = await createSubscribers(t.db, 2);
    const { app } = testApp(t);
    expect((await post(app, event('email.bounced', { bounce: { type: 'Transient' } }), 'msg_s')).status).toBe(200);
    expect((await getSubscriber(t.db, id!))!.status).toBe('active');
    expect((await post(app, event('email.delivered'), 'msg_d')).status).toBe(200);
    expect((await post(app, event('email.complained'), 'msg_c')).status).toBe(200);
    expect((await getSubscriber(t.db, id!))!.status).toBe('suppressed');
    expect(await t.db.redis.xlen(t.db.keys.webhookEvents)).toBe(3);
  });

  it('refuses a bad signature with 400 and records nothing', async () => {
    t = testEnv({ RESEND_WEBHOOK_SECRET: SECRET });
    const [, id] = await createSubscribers(t.db, 2);
    const { app } = testApp(t);
    const body = event('email.complained');
    const forged = await post(app, body, 'msg_x', sign(body.replace('complained', 'delivered'), 'msg_x', Math.floor(Date.now() / 1000)));
    expect(forged.status).toBe(400);
    expect(await forged.json()).toMatchObject({ error: 'invalid_signature' });
    expect((await getSubscriber(t.db, id!))!.status).toBe('active');
    expect(await t.db.redis.exists(t.db.keys.webhookEvents, t.db.keys.webhookSeen('msg_x'))).toBe(0);
  });

  it('answers 503 and says what to set when no webhook secret is configured', async () => {
    t = testEnv();
    const { app } = testApp(t);
    const response = await post(app, event('email.delivered'), 'msg_n');
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ message: expect.stringMatching(/RESEND_WEBHOOK_SECRET is not set/) });
  });
});

// Deliverability guardrails: a complaint rate at or above 0.3% pauses the edition's schedule, and the dashboard says why.
import { afterEach, describe, expect, it } from 'vitest';
import { resendWebhookSchema } from '../src/contracts';
import { claimDeliveries, finishDeliveries, markPlanningDone, registerEdition } from '../src/store/deliveries';
import { getSchedule, putSchedule } from '../src/store/schedules';
import { handleWebhookEvent } from '../src/store/webhook-events';
import { createSubscribers } from './fixtures/subscribers';
import { testApp, testEnv, type TestEnv } from './helpers';
import { postWebhook, WEBHOOK_SECRET } from './webhook-helpers';

let t: TestEnv | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

const complaint = (edition: string, subscriber: string, to: string) =>
  resendWebhookSchema.parse({
    type: 'email.complained',
    created_at: '2026-11-23T08:00:00.000Z',
    data: { to: [to], tags: { edition, subscriber } },
  });

/** A 'morning' schedule and its edition, sent to 400 readers. */
async function sentEdition(t: TestEnv): Promise<{ ids: string[]; edition: string }> {
  const ids = await createSubscribers(t.db, 400);
  await putSchedule(t.db, { name: 'morning', cron: '0 7 * * *', tz: 'UTC' }, t.now());
  const edition = 'morning-2026-11-23';
  await registerEdition(t.db, edition, 'morning', t.now());
  await claimDeliveries(t.db, edition, 'b', ids, t.now());
  await markPlanningDone(t.db, edition);
  await finishDeliveries(
    t.db,
    edition,
    'b',
    ids.map((id, i) => ({ subscriberId: id, status: 'sent' as const, messageId: `m${i}` })),
    t.now(),
  );
  return { ids, edition };
}

describe('deliverability guardrails', () => {
  it('pause a schedule whose edition crosses the complaint rate, and the dashboard says why', async () => {
    t = testEnv();
    const { ids, edition } = await sentEdition(t);

    // One complaint in 400 is 0.25%: under Gmail's 0.3%, the schedule keeps running.
    await handleWebhookEvent(t.db, 'wh1', complaint(edition, ids[0]!, 'reader0@example.com'), t.now());
    expect(await getSchedule(t.db, 'morning')).toMatchObject({ paused: false });
    // The second makes 0.5%: paused, with the reason.
    await handleWebhookEvent(t.db, 'wh2', complaint(edition, ids[1]!, 'reader1@example.com'), t.now());
    const paused = await getSchedule(t.db, 'morning');
    expect(paused).toMatchObject({ paused: true });
    expect(paused!.paused_reason).toBe(
      `Paused by Tidings: the complaint rate of edition ${edition} is 0.5% (2 of 400), at or above 0.3%; look at who complained and why before resuming.`,
    );

    const { app } = testApp(t);
    const page = await (await app.request('/ops', { headers: { authorization: `Bearer ${t.config.OPERATOR_TOKEN}` } })).text();
    expect(page).toContain(
      'Schedule <strong>morning</strong> is paused. Paused by Tidings: the complaint rate of edition morning-2026-11-23 is 0.5%',
    );
    expect(page).toMatch(/reader1@example\.com<\/a><\/td><td>complaint<\/td>/);
  });

  it('use the limits the operator set: at 1% two complaints in 400 keep sending, the fourth pauses', async () => {
    t = testEnv({ RESEND_WEBHOOK_SECRET: WEBHOOK_SECRET, GUARDRAIL_COMPLAINT_PERCENT: '1' });
    const { ids, edition } = await sentEdition(t);
    const { app } = testApp(t);
    const complain = (i: number) => postWebhook(app, JSON.stringify(complaint(edition, ids[i]!, `reader${i}@example.com`)), `wh${i}`);
    for (const i of [0, 1, 2]) expect((await complain(i)).status).toBe(200);
    // 0.75% is over Gmail's 0.3% but under this operator's 1%.
    expect(await getSchedule(t.db, 'morning')).toMatchObject({ paused: false });
    await complain(3);
    expect((await getSchedule(t.db, 'morning'))!.paused_reason).toBe(
      `Paused by Tidings: the complaint rate of edition ${edition} is 1% (4 of 400), at or above 1%; look at who complained and why before resuming.`,
    );
  });
});

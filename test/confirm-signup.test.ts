// Confirming a sign-up for an address Tidings already has: an active reader keeps what they chose; one who
// had left starts again with the new choices.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { savePendingSignup } from '../src/store/signups';
import { ensureSubscriber, getSubscriber, saveSubscriber } from '../src/store/subscribers';
import { confirmPendingSignup } from '../src/routes/subscribe/confirm-signup';
import { consoleLogger } from '../src/core/logger';
import type { AppDeps } from '../src/deps';
import { testApp, testEnv, type TestEnv } from './helpers';

let t: TestEnv;
beforeEach(() => {
  t = testEnv();
});
afterEach(() => t.cleanup());

const deps = (): AppDeps => {
  const { recorder } = testApp(t);
  return { config: t.config, db: t.db, signer: t.signer, recorder, log: t.log ?? consoleLogger, now: t.now };
};
const formDefaults = {
  timezone: 'UTC',
  frequency: 'daily' as const,
  weekday: 1,
  delivery_hour: 7,
  topics: ['ux'],
  requested_at: new Date().toISOString(),
};

async function existing(status: 'active' | 'unsubscribed') {
  const { subscriber } = await ensureSubscriber(t.db, { email: 'ada@example.com', topics: ['rust', 'email'] }, t.now());
  const chosen = { ...subscriber, timezone: 'Europe/Berlin', frequency: 'weekly' as const, weekday: 2, paused_until: '2099-01-01', status };
  await saveSubscriber(t.db, chosen);
  return chosen;
}

describe('a sign-up confirmed for an address Tidings already has', () => {
  it('adds the chosen topics to an active reader and keeps their zone, schedule and pause', async () => {
    const before = await existing('active');
    await savePendingSignup(t.db, 'ada@example.com', formDefaults, 900);
    expect(await confirmPendingSignup(deps(), 'ada@example.com')).toBe(true);
    expect(await getSubscriber(t.db, before.id)).toMatchObject({
      topics: ['rust', 'email', 'ux'],
      timezone: 'Europe/Berlin',
      frequency: 'weekly',
      weekday: 2,
      paused_until: '2099-01-01',
      status: 'active',
    });
  });

  it('gives a reader who had unsubscribed the new choices, active and unpaused', async () => {
    const before = await existing('unsubscribed');
    await savePendingSignup(t.db, 'ada@example.com', formDefaults, 900);
    await confirmPendingSignup(deps(), 'ada@example.com');
    expect(await getSubscriber(t.db, before.id)).toMatchObject({
      topics: ['ux'],
      timezone: 'UTC',
      frequency: 'daily',
      paused_until: null,
      status: 'active',
    });
  });
});

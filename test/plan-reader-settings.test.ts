// The planner honours each reader's own settings: frequency (daily, weekdays, weekly on a day), delivery hour
// in their zone, pause until a date, and unsubscribing — on real Redis and a real BullMQ queue.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Schedule, Subscriber } from '../src/contracts';
import { saveSubscriber } from '../src/store/subscribers';
import { editionReaders } from '../src/store/deliveries';
import { planSchedule } from '../workers/plan-edition';
import { openQueues, type Queues } from '../workers/queues';
import { testEnv, type TestEnv } from './helpers';

let t: TestEnv;
let queues: Queues;
beforeEach(() => {
  t = testEnv();
  queues = openQueues(t.queueConnection, t.config.QUEUE_PREFIX);
});
afterEach(async () => {
  await queues.close();
  await t.cleanup();
});

const morning: Schedule = { name: 'morning', cron: '0 7 * * *', tz: 'subscriber', paused: false, updated_at: '2026-11-01T00:00:00Z' };

async function reader(id: string, settings: Partial<Subscriber>): Promise<void> {
  await saveSubscriber(t.db, {
    id,
    email: `${id}@example.com`,
    timezone: 'UTC',
    topics: [],
    status: 'active',
    created_at: '2026-11-01T00:00:00.000Z',
    frequency: 'daily',
    weekday: 1,
    delivery_hour: null,
    paused_until: null,
    ...settings,
  });
}

/** Who an edition planned at this moment reaches. */
async function plannedAt(iso: string, options: { now?: boolean; schedule?: Schedule } = {}): Promise<string[]> {
  const schedule = options.schedule ?? morning;
  const result = await planSchedule({ db: t.db, log: t.log, now: t.now, sendQueue: queues.sendBatch }, schedule, new Date(iso), {
    now: options.now ?? false,
  });
  const ids: string[] = [];
  for (const edition of result.editions) ids.push(...(await editionReaders(t.db, edition)));
  return ids.sort();
}

describe("the planner and each reader's settings", () => {
  beforeEach(async () => {
    await reader('a-daily', {});
    await reader('b-weekdays', { frequency: 'weekdays' });
    await reader('c-weekly-monday', { frequency: 'weekly', weekday: 1 });
    await reader('d-weekly-wednesday', { frequency: 'weekly', weekday: 3 });
    await reader('e-paused-to-saturday', { paused_until: '2026-12-05' });
    await reader('f-pause-ends-today', { paused_until: '2026-12-02' });
    await reader('g-at-nine', { delivery_hour: 9 });
    await reader('h-unsubscribed', { status: 'unsubscribed' });
    await reader('i-tokyo-at-four-pm', { timezone: 'Asia/Tokyo', delivery_hour: 16 });
  });

  it('on a Wednesday at 07:00 reaches daily, weekday and Wednesday readers, not the paused, the unsubscribed or other hours', async () => {
    expect(await plannedAt('2026-12-02T07:00:00Z')).toEqual([
      'a-daily',
      'b-weekdays',
      'd-weekly-wednesday',
      'f-pause-ends-today',
      'i-tokyo-at-four-pm',
    ]);
  });

  it('sends a reader with their own delivery hour at that hour in their zone', async () => {
    expect(await plannedAt('2026-12-02T09:00:00Z')).toEqual(['g-at-nine']);
  });

  it('on a Saturday leaves out weekday-only readers, and a pause ends on its date', async () => {
    const planned = await plannedAt('2026-12-05T07:00:00Z');
    expect(planned).toContain('a-daily');
    expect(planned).toContain('e-paused-to-saturday');
    expect(planned).not.toContain('b-weekdays');
    expect(planned).not.toContain('d-weekly-wednesday');
  });

  it('an edition planned now (send-now) ignores the hour but still honours pause, frequency and unsubscribing', async () => {
    expect(await plannedAt('2026-12-02T13:37:00Z', { now: true })).toEqual([
      'a-daily',
      'b-weekdays',
      'd-weekly-wednesday',
      'f-pause-ends-today',
      'g-at-nine',
      'i-tokyo-at-four-pm',
    ]);
  });

  it("a schedule in a fixed zone honours pause and frequency by the reader's own date", async () => {
    const fixed: Schedule = { ...morning, name: 'berlin', tz: 'Europe/Berlin' };
    const planned = await plannedAt('2026-12-02T06:00:00Z', { schedule: fixed });
    expect(planned).not.toContain('c-weekly-monday');
    expect(planned).not.toContain('e-paused-to-saturday');
    expect(planned).not.toContain('h-unsubscribed');
    expect(planned).toContain('a-daily');
  });
});

// The operator API for schedules: Redis only at the edge, applied to BullMQ job schedulers by the workers.
import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { queueNames, queuePrefix, scheduleSchedulerId } from '../workers/queues';
import { reconcileSchedules } from '../workers/schedule-reconciler';
import { testApp, testEnv, type TestEnv } from './helpers';

let t: TestEnv | undefined;
let queue: Queue | undefined;
afterEach(async () => {
  await queue?.close();
  await t?.cleanup();
  t = queue = undefined;
});

describe('the schedules API', () => {
  it('creates, pauses, resumes and removes schedules, and the reconciler mirrors them into BullMQ', async () => {
    t = testEnv();
    const { app } = testApp(t);
    const auth = { authorization: `Bearer ${t.config.OPERATOR_TOKEN}`, 'content-type': 'application/json' };
    queue = new Queue(queueNames.planEdition, {
      connection: t.queueConnection,
      prefix: queuePrefix(t.config.QUEUE_PREFIX, queueNames.planEdition),
    });

    // Without the token: a JSON refusal that says what to send, as every answer under /ops/api is JSON.
    for (const path of ['/ops/api/schedules', '/ops/api']) {
      const refused = await app.request(path);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('content-type')).toMatch(/^application\/json/);
      expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await refused.json()).toMatchObject({ error: 'unauthorized', message: expect.stringContaining('Authorization: Bearer') });
    }
    const created = await app.request('/ops/api/schedules', {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ name: 'morning', cron: '0 7 * * 1-5', tz: 'Europe/Berlin' }),
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ name: 'morning', paused: false, next_run: expect.stringMatching(/T0[56]:00:00/) });
    await app.request('/ops/api/schedules/local', {
      method: 'PUT',
      headers: auth,
      body: JSON.stringify({ cron: '30 6 * * *', tz: 'subscriber' }),
    });

    await reconcileSchedules(t.db, queue);
    const applied = new Map((await queue.getJobSchedulers(0, -1)).map((s) => [s.key, s]));
    expect(applied.get(scheduleSchedulerId('morning'))).toMatchObject({ pattern: '0 7 * * 1-5', tz: 'Europe/Berlin' });
    expect(applied.get(scheduleSchedulerId('local'))).toMatchObject({ pattern: '*/15 * * * *', tz: 'UTC' });

    expect((await app.request('/ops/api/schedules/morning/pause', { method: 'POST', headers: auth })).status).toBe(200);
    await reconcileSchedules(t.db, queue);
    expect((await queue.getJobSchedulers(0, -1)).map((s) => s.key)).toEqual([scheduleSchedulerId('local')]);
    await app.request('/ops/api/schedules/morning/resume', { method: 'POST', headers: auth });
    expect((await app.request('/ops/api/schedules/local', { method: 'DELETE', headers: auth })).status).toBe(204);
    await reconcileSchedules(t.db, queue);
    expect((await queue.getJobSchedulers(0, -1)).map((s) => s.key)).toEqual([scheduleSchedulerId('morning')]);
  });

  it('refuses a bad schedule naming each field and why', async () => {
    t = testEnv();
    const { app } = testApp(t);
    const response = await app.request('/ops/api/schedules', {
      method: 'POST',
      headers: { authorization: `Bearer ${t.config.OPERATOR_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Morning!', cron: '0 25 * * *', tz: 'Mars/Olympus' }),
    });
    expect(response.status).toBe(400);
    const { problems } = (await response.json()) as { problems: Array<{ field: string; problem: string }> };
    expect(problems.map((p) => p.field).sort()).toEqual(['cron', 'name', 'tz']);
    expect(problems.find((p) => p.field === 'cron')!.problem).toMatch(/hour "25" is out of range 0-23/);
    expect(
      (
        await app.request('/ops/api/schedules/nope/pause', {
          method: 'POST',
          headers: { authorization: `Bearer ${t.config.OPERATOR_TOKEN}` },
        })
      ).status,
    ).toBe(404);
  });
});

describe('hostile cron input (issue 12, item 12)', () => {
  const long = `${Array.from({ length: 520 }, () => '0').join(',')} 7 * * *`; // 1,047 characters, every value valid

  it('refuses a cron pattern over the length BullMQ accepts, naming the field and the limit', async () => {
    t = testEnv();
    const { app } = testApp(t);
    const auth = { authorization: `Bearer ${t.config.OPERATOR_TOKEN}`, 'content-type': 'application/json' };
    expect(long.length).toBeGreaterThan(1024);
    const response = await app.request('/ops/api/schedules', {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ name: 'long', cron: long, tz: 'UTC' }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { problems: Array<{ field: string; problem: string }> };
    expect(body.problems[0]).toMatchObject({ field: 'cron', problem: expect.stringMatching(/at most \d+ characters/) });
  });

  it('applies every good schedule when one stored schedule cannot be applied, and says which', async () => {
    t = testEnv();
    queue = new Queue(queueNames.planEdition, {
      connection: t.queueConnection,
      prefix: queuePrefix(t.config.QUEUE_PREFIX, queueNames.planEdition),
    });
    // Written straight to Redis, as an older version without the check would have stored it.
    const stored = (name: string, cron: string) =>
      JSON.stringify({ name, cron, tz: 'UTC', paused: false, updated_at: '2026-11-20T12:00:00.000Z' });
    await t.db.redis.hset(
      t.db.keys.schedules,
      'aaa-long',
      stored('aaa-long', long),
      'mmm-bad',
      stored('mmm-bad', '0 7 * * * *'),
      'zzz-good',
      stored('zzz-good', '0 7 * * *'),
    );
    const result = await reconcileSchedules(t.db, queue);
    expect((await queue.getJobSchedulers(0, -1)).map((s) => s.key)).toEqual([scheduleSchedulerId('zzz-good')]);
    expect(result.active).toEqual(['zzz-good']);
    expect(result.failed.map((f) => f.name).sort()).toEqual(['aaa-long', 'mmm-bad']);
  });
});

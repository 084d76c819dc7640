// The operator's commands as processes: import subscribers, manage schedules, read the status, serve apart.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { getSchedule } from '../src/store/schedules';
import { countSubscribers, findSubscriberByEmail, saveSubscriber } from '../src/store/subscribers';
import { claimDeliveries, finishDeliveries, markPlanningDone, registerEdition } from '../src/store/deliveries';
import { queueNames } from '../workers/queues';
import { startTestWorkers } from './fixtures/workers';
import { putSchedule } from '../src/store/schedules';
import { listOutbox } from '../src/store/outbox';
import { seedArticles } from './fixtures/articles';
import { createSubscribers } from './fixtures/subscribers';
import { testEnv, type TestEnv } from './helpers';

const BIN = new URL('../bin/tidings.js', import.meta.url).pathname;

function tidings(
  args: string[],
  env: Record<string, string | undefined>,
  until?: RegExp,
): Promise<{ code: number | null; output: string; kill: () => void }> {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve) => {
    const onData = (d: Buffer) => {
      output += d;
      if (until?.test(output)) resolve({ code: null, output, kill: () => child.kill('SIGTERM') });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => resolve({ code, output, kill: () => {} }));
  });
}

let t: TestEnv | undefined;
let dir: string | undefined;
afterEach(async () => {
  await t?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
  t = dir = undefined;
});

describe('the tidings CLI', () => {
  it('imports good rows of a CSV and reports each bad row by line with the reason', async () => {
    t = testEnv();
    dir = mkdtempSync(join(tmpdir(), 'tidings-csv-'));
    const file = join(dir, 'readers.csv');
    writeFileSync(
      file,
      [
        'email,timezone,topics',
        'ada@example.com,Europe/Berlin,rust;email',
        'not-an-email,UTC,',
        'bob@example.com,Mars/Base,',
        '"carol@example.com",America/New_York,"ai,feeds"',
        '',
        'ADA@example.com,Asia/Tokyo,',
      ].join('\n'),
    );
    const run = await tidings(['subscribers', 'import', file], t.env);
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/2 new, 1 updated, 2 refused/);
    expect(run.output).toMatch(/line 3: email must be an email address/);
    expect(run.output).toMatch(/line 4: timezone must be an IANA time zone/);
    expect(await countSubscribers(t.db)).toBe(2);
    expect(await findSubscriberByEmail(t.db, 'ada@example.com')).toMatchObject({ timezone: 'Asia/Tokyo' });
    expect(await findSubscriberByEmail(t.db, 'carol@example.com')).toMatchObject({ topics: ['ai', 'feeds'] });

    const list = await tidings(['subscribers', 'list'], t.env);
    expect(list.output).toMatch(/ada@example\.com\s+active\s+Asia\/Tokyo/);
    expect(list.output).toMatch(/2 of 2 subscribers shown/);
  });

  it('prints control and bidi-override characters in stored subscribers escaped, never raw', async () => {
    t = testEnv();
    // A record written before the input limits existed: the terminal must not run what it holds.
    await saveSubscriber(t.db, {
      id: 'sub_legacy',
      email: 'eve@example.com',
      timezone: 'UTC',
      topics: ['\u001b[2j\u001b[31mred', '\u202eevil', '\u009bx'],
      status: 'active',
      created_at: '2026-11-20T00:00:00.000Z',
      frequency: 'daily',
      weekday: 1,
      delivery_hour: null,
      paused_until: null,
    });
    for (const args of [
      ['subscribers', 'list'],
      ['subscribers', 'list', '--json'],
    ]) {
      const list = await tidings(args, t.env);
      expect(list.code, list.output).toBe(0);
      expect(list.output).not.toMatch(/[\u001b\u202e\u009b]/);
      expect(list.output).toContain('\\u001b[2j');
      expect(list.output).toContain('\\u202eevil');
    }
  });

  it('adds, lists, pauses and removes schedules, refusing bad input by field', async () => {
    t = testEnv();
    const add = await tidings(['schedule', 'add', '--name', 'morning', '--cron', '0 7 * * 1-5', '--tz', 'Europe/Berlin'], t.env);
    expect(add.code).toBe(0);
    expect(add.output).toMatch(/Added schedule morning: "0 7 \* \* 1-5" in Europe\/Berlin/);
    expect(add.output).toMatch(/Next run: \d{4}-\d\d-\d\dT0[56]:00:00\.000Z/);
    const bad = await tidings(['schedule', 'add', '--name', 'x', '--cron', '0 7 * *', '--tz', 'subscriber'], t.env);
    expect(bad.code).toBe(2);
    expect(bad.output).toMatch(/--cron "0 7 \* \*": must have 5 fields/);
    expect((await tidings(['schedule', 'pause', 'morning'], t.env)).output).toMatch(/Schedule morning paused/);
    expect(await getSchedule(t.db, 'morning')).toMatchObject({ paused: true });
    const list = await tidings(['schedule', 'list'], t.env);
    expect(list.output).toMatch(/morning\s+0 7 \* \* 1-5\s+Europe\/Berlin\s+paused/);
    expect(list.output).toMatch(/NAME\s+CRON\s+TIME ZONE\s+STATE\s+NEXT RUN\n/);
    expect((await tidings(['schedule', 'rm', 'nope'], t.env)).output).toMatch(/There is no schedule named "nope"\. Schedules: morning/);
    expect((await tidings(['schedule', 'rm', 'morning'], t.env)).code).toBe(0);
    expect(await getSchedule(t.db, 'morning')).toBeNull();
  });

  it('shows editions and the reasons of failures with status', async () => {
    t = testEnv();
    await registerEdition(t.db, 'morning-2026-11-23', 'morning', t.now());
    await claimDeliveries(t.db, 'morning-2026-11-23', 'b', ['sub_a', 'sub_b'], t.now());
    await markPlanningDone(t.db, 'morning-2026-11-23');
    await finishDeliveries(
      t.db,
      'morning-2026-11-23',
      'b',
      [
        { subscriberId: 'sub_a', status: 'sent', messageId: 'm' },
        { subscriberId: 'sub_b', status: 'failed', reason: 'Resend refused this email: Invalid `to` field' },
      ],
      t.now(),
    );
    const all = await tidings(['status'], t.env);
    expect(all.output).toMatch(
      /EDITION\s+STATE\s+PLANNED\s+SENT\s+FAILED\s+SKIPPED\s+QUEUED\s+BOUNCED\s+COMPLAINED\s+CLICKS\s+CLICK-THROUGH\s+AUTOMATED\n/,
    );
    expect(all.output).toMatch(/morning-2026-11-23\s+done\s+2\s+1\s+1\s+0\s+0\s+0\s+0\s+0\s+0\.0%\s+0/);
    const one = await tidings(['status', 'morning-2026-11-23'], t.env);
    expect(one.output).toMatch(/sub_b: Resend refused this email: Invalid `to` field/);
    expect((await tidings(['status', 'nope'], t.env)).output).toMatch(/There is no edition "nope"/);
  });

  it("sends a schedule's edition now with send-now --schedule, ends with a summary, and never twice", async () => {
    t = testEnv();
    await seedArticles(t.db);
    await createSubscribers(t.db, 150);
    await putSchedule(t.db, { name: 'morning', cron: '0 7 * * 1-5', tz: 'UTC' }, t.now());
    const workers = await startTestWorkers(t);
    try {
      const run = await tidings(['send-now', '--schedule', 'morning'], t.env);
      expect(run.output).toMatch(/Planning the morning edition now/);
      expect(run.output).toMatch(/Done\.\nmorning-\d{4}-\d\d-\d\d\s+done\s+planned 150\s+sent 150\s+failed 0/);
      expect(run.code).toBe(0);
      expect(await listOutbox(t.db, 1000)).toHaveLength(150);
      const again = await tidings(['send-now', '--schedule', 'morning'], t.env);
      expect(again.output).toMatch(/was planned already, so no reader gets it twice/);
      expect(await listOutbox(t.db, 1000)).toHaveLength(150);
    } finally {
      await workers.close();
    }
  });

  it('runs the edge app alone with serve (no workers in that process)', async () => {
    t = testEnv();
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const serve = await tidings(['serve'], { ...t.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' }, /Tidings edge app at/);
    try {
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      const queue = new Queue(queueNames.sendBatch, { connection: t.queueConnection, prefix: t.config.QUEUE_PREFIX });
      expect(await queue.getWorkersCount()).toBe(0);
      await queue.close();
    } finally {
      serve.kill();
    }
  });
});

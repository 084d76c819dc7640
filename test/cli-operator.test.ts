// The CLI an operator never has to guess at: .env, headers and JSON, one reader at a time, clear errors, quiet pipes.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { quarantineItem } from '../src/store/articles';
import { listEditions } from '../src/store/deliveries';
import { findSubscriberByEmail, getSubscriber, setSubscriberStatus } from '../src/store/subscribers';
import { putSchedule } from '../src/store/schedules';
import { startTestWorkers } from './fixtures/workers';
import { seedArticles } from './fixtures/articles';
import { createSubscribers } from './fixtures/subscribers';
import { testEnv, type TestEnv } from './helpers';

const BIN = new URL('../bin/tidings.js', import.meta.url).pathname;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function tidings(args: string[], env: Record<string, string | undefined>, options: { cwd?: string } = {}): Promise<Run> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? dir ?? tmpdir(),
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

let t: TestEnv | undefined;
let dir: string | undefined;
let server: Server | undefined;
afterEach(async () => {
  await t?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  t = dir = server = undefined;
});

function freshDir(): string {
  dir = mkdtempSync(join(tmpdir(), 'tidings-cli-'));
  return dir;
}

describe('the operator CLI', () => {
  it('reads .env from the working directory, with the environment winning over the file', async () => {
    t = testEnv();
    const cwd = freshDir();
    const { REDIS_PREFIX, ...rest } = t.env;
    writeFileSync(join(cwd, '.env'), `# written by the test\nREDIS_PREFIX=${REDIS_PREFIX}\nLOG_LEVEL=silent\n`);
    const run = await tidings(['subscribers', 'add', 'env@example.com'], { ...rest, LOG_LEVEL: 'warn' });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(await findSubscriberByEmail(t.db, 'env@example.com')).not.toBeNull();
  });

  it('prints its version', async () => {
    const run = await tidings(['--version'], {});
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(run.code).toBe(0);
  });

  it('adds, lists with headers and as JSON, unsubscribes and removes one reader, by address or id', async () => {
    t = testEnv();
    freshDir();
    const add = await tidings(['subscribers', 'add', 'Ada@Example.com', '--tz', 'Europe/Berlin', '--topics', 'rust,email'], t.env);
    expect(add.code).toBe(0);
    const ada = (await findSubscriberByEmail(t.db, 'ada@example.com'))!;
    expect(ada).toMatchObject({ timezone: 'Europe/Berlin', topics: ['rust', 'email'], status: 'active' });
    expect(add.stdout).toContain(`Added ada@example.com (${ada.id})`);

    const list = await tidings(['subscribers', 'list'], t.env);
    expect(list.stdout.split('\n')[0]).toMatch(/^ID\s+EMAIL\s+STATUS\s+TIME ZONE\s+TOPICS$/);
    expect(list.stdout).toMatch(new RegExp(`${ada.id}\\s+ada@example\\.com\\s+active\\s+Europe/Berlin\\s+rust, email`));
    const json = await tidings(['subscribers', 'list', '--json'], t.env);
    expect(JSON.parse(json.stdout.trim().split('\n')[0]!)).toMatchObject({ id: ada.id, email: 'ada@example.com' });

    const unsubscribe = await tidings(['subscribers', 'unsubscribe', 'ada@example.com'], t.env);
    expect(unsubscribe.stdout).toContain('Unsubscribed ada@example.com');
    expect((await getSubscriber(t.db, ada.id))!.status).toBe('unsubscribed');

    const missing = await tidings(['subscribers', 'rm', 'nobody@example.com'], t.env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/No subscriber with address "nobody@example.com"\. Give an id \(sub_…\) or an address/);
    const rm = await tidings(['subscribers', 'rm', ada.id], t.env);
    expect(rm.code).toBe(0);
    expect(await getSubscriber(t.db, ada.id)).toBeNull();
    expect(await findSubscriberByEmail(t.db, 'ada@example.com')).toBeNull();
  }, 90_000);

  it('lists quarantined items under headers, with what a hostile feed put in them made harmless', async () => {
    t = testEnv();
    freshDir();
    const empty = await tidings(['quarantine'], t.env);
    expect(empty.stdout).toMatch(/No quarantined items/);
    await quarantineItem(t.db, {
      source: 'src_evil',
      reasons: ['content_type: required (article, podcast, video, …)'],
      item: { link: 'https://evil.example/\u001b]0;owned\u0007post', title: 'x' },
      at: '2026-12-01T10:00:00.000Z',
    });
    const run = await tidings(['quarantine'], t.env);
    expect(run.code).toBe(0);
    const [header, row] = run.stdout.split('\n');
    expect(header).toMatch(/^WHEN\s+SOURCE\s+ITEM\s+WHY$/);
    expect(row).toMatch(
      /^2026-12-01T10:00:00\.000Z\s+src_evil\s+https:\/\/evil\.example\/\\u001b\]0;owned\\u0007post\s+content_type: required/,
    );
    expect(run.stdout).not.toContain('\u001b');
    const json = await tidings(['quarantine', '--json'], t.env);
    expect(JSON.parse(json.stdout.trim())).toMatchObject({ source: 'src_evil', reasons: [expect.stringContaining('content_type')] });
  }, 60_000);

  it('refuses a numeric option that is not a whole number, naming it, instead of using a default', async () => {
    t = testEnv();
    freshDir();
    const cases: Array<[string[], string]> = [
      [['subscribers', 'list', '--limit', 'abc'], '--limit must be a whole number of at least 1 (got "abc")'],
      [['subscribers', 'list', '--offset', '-5'], '--offset must be a whole number of at least 0 (got "-5")'],
      [['quarantine', '--limit', '0'], '--limit must be a whole number of at least 1 (got "0")'],
      [['send-now', '--to', 'you@example.com', '--timeout', '1.5'], '--timeout must be a whole number of at least 1 (got "1.5")'],
    ];
    for (const [args, message] of cases) {
      const run = await tidings(args, t.env);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr.trim()).toBe(message);
    }
    // send-now refused before it made anything.
    expect(await t.db.redis.keys(`${t.config.REDIS_PREFIX}*`)).toEqual([]);
  });

  it('ranks for a subscriber given by address', async () => {
    t = testEnv();
    freshDir();
    await seedArticles(t.db);
    await createSubscribers(t.db, 1);
    const run = await tidings(['rank', '--subscriber', 'reader0@example.com', '--limit', '3'], t.env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/candidates for reader0@example\.com \(sub_0000000\), best first/);
  });

  it('imports a CSV whose header names the columns in another order, ignoring extra columns', async () => {
    t = testEnv();
    const cwd = freshDir();
    writeFileSync(
      join(cwd, 'readers.csv'),
      ['Name,Topics,Time Zone,E-mail', 'Ada,rust;email,Europe/Berlin,ada@example.com', 'Bob,,Berlin,bob@example.com'].join('\n'),
    );
    const run = await tidings(['subscribers', 'import', 'readers.csv'], t.env);
    expect(run.stdout).toMatch(/1 new, 0 updated, 1 refused/);
    expect(run.stdout).toMatch(
      /line 3: timezone must be an IANA time zone such as Europe\/Berlin or UTC; did you mean Europe\/Berlin\? \(got "Berlin"\)/,
    );
    expect(await findSubscriberByEmail(t.db, 'ada@example.com')).toMatchObject({ timezone: 'Europe/Berlin', topics: ['rust', 'email'] });
  });

  it('refuses send-now --to an unsubscribed or suppressed reader, saying so, and creates no edition', async () => {
    t = testEnv();
    freshDir();
    const [gone, bounced] = await createSubscribers(t.db, 2);
    await setSubscriberStatus(t.db, gone!, 'unsubscribed');
    await setSubscriberStatus(t.db, bounced!, 'suppressed');
    const one = await tidings(['send-now', '--to', 'reader0@example.com'], t.env);
    expect(one.code).toBe(1);
    expect(one.stderr).toMatch(/Nothing sent: reader0@example\.com \(sub_0000000\) is unsubscribed/);
    const two = await tidings(['send-now', '--to', 'reader1@example.com'], t.env);
    expect(two.code).toBe(1);
    expect(two.stderr).toMatch(/is suppressed: their address bounced or complained/);
    expect(await listEditions(t.db, 10)).toEqual([]);
  });

  it('says what is wrong with a cron pattern and suggests the nearest time zone, once each', async () => {
    t = testEnv();
    freshDir();
    const run = await tidings(['schedule', 'add', '--name', 'daily', '--cron', 'every day', '--tz', 'Berlin'], t.env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      '--cron "every day": must have 5 fields (minute hour day-of-month month day-of-week), not 2; e.g. "0 7 * * *" is every day at 07:00',
    );
    expect(run.stderr).toContain('--tz "Berlin": must be an IANA time zone such as Europe/Berlin or UTC; did you mean Europe/Berlin?');
    expect(run.stderr).not.toMatch(/\(got 2\)/);
  });

  it('ends quietly when the reader of its output goes away', async () => {
    t = testEnv();
    freshDir();
    await createSubscribers(t.db, 3000);
    const child = spawn(process.execPath, [BIN, 'subscribers', 'list', '--limit', '3000'], {
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...t.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    // Like `| head -1`: read the first chunk, then close the pipe.
    await new Promise((r) => child.stdout.once('data', r));
    child.stdout.destroy();
    const code = await new Promise((r) => child.on('close', r));
    expect(stderr).not.toMatch(/EPIPE|Error/);
    expect(code).toBe(0);
  });

  it('says which process holds a port that is in use and how to choose another', async () => {
    t = testEnv();
    freshDir();
    server = createServer();
    const port = await new Promise<number>((r) => server!.listen(0, '127.0.0.1', () => r((server!.address() as { port: number }).port)));
    const run = await tidings(['serve'], { ...t.env, PORT: String(port), HOST: '127.0.0.1' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`Tidings cannot listen on 127.0.0.1:${port}: the port is already in use by node (pid ${process.pid})`);
    expect(run.stderr).toContain(`PORT=${port + 1} npm start`);
    expect(run.stderr).not.toMatch(/EADDRINUSE|at .*\.ts:\d+/);
  });

  it('starts the progress bar at the planned count, not at a full bar of 0/0', async () => {
    t = testEnv();
    freshDir();
    await seedArticles(t.db);
    await createSubscribers(t.db, 40);
    await putSchedule(t.db, { name: 'morning', cron: '0 7 * * 1-5', tz: 'UTC' }, t.now());
    const workers = await startTestWorkers(t);
    try {
      // script(1) gives the command a terminal, where the bar is drawn.
      const env = Object.entries({ ...t.env, COLUMNS: '200' })
        .map(([k, v]) => `${k}='${v}'`)
        .join(' ');
      const child = spawn('script', ['-qec', `env ${env} ${process.execPath} ${BIN} send-now --schedule morning`, '/dev/null'], {
        cwd: dir,
        env: { PATH: process.env.PATH, HOME: process.env.HOME },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      const code = await new Promise((r) => child.on('close', r));
      expect(code, output).toBe(0);
      const frames = output.split(/\r|\n/).filter((l) => /\d+\/\d+ done/.test(l));
      expect(frames.length).toBeGreaterThan(0);
      expect(frames[0]).toMatch(/\d+\/40 done/);
      expect(output).not.toMatch(/ 0\/0 done/);
    } finally {
      await workers.close();
    }
  }, 60_000);
});

// The two commands a new user runs, as processes: `npm start` (here `tidings start`) and `tidings send-now`.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { ensureRedis } from '../node/private-redis';
import { redisAnswers } from '../node/redis';
import { testEnv, type TestEnv } from './helpers';
import { freePort } from '../node/free-port';
import { devDefaults } from '../src/env';
import { tidings, waitFor } from './fixtures/tidings-process';

const BIN = new URL('../bin/tidings.js', import.meta.url).pathname;

let t: TestEnv | undefined;
let child: ReturnType<typeof tidings> | undefined;
afterEach(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGKILL');
    await child.exited;
  }
  child = undefined;
  await t?.cleanup();
  t = undefined;
});

describe('starting Tidings', () => {
  it('refuses to start in production with a localhost PUBLIC_BASE_URL, naming it', async () => {
    child = tidings(['start'], { NODE_ENV: 'production', PUBLIC_BASE_URL: 'http://localhost:8787' });
    expect(await child.exited).not.toBe(0);
    expect(child.output()).toMatch(/PUBLIC_BASE_URL: must use https/);
    expect(child.output()).toMatch(/PUBLIC_BASE_URL: points at this machine/);
  });

  it('runs the edge app and workers from any directory, sends a briefing on request, and shuts down cleanly', async () => {
    t = testEnv();
    // Started from outside the project, as `npx tidings` from a deploy script would be: the pages must still render.
    const elsewhere = mkdtempSync(join(tmpdir(), 'tidings-cwd-'));
    const port = await freePort();
    const env = {
      ...t.env,
      NODE_ENV: 'development',
      PORT: String(port),
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      LOG_LEVEL: 'warn',
    } as Record<string, string>;
    child = tidings(['start'], env, elsewhere);
    const health = await waitFor(
      'health',
      async () => {
        const response = await fetch(`http://127.0.0.1:${port}/healthz`, {
          headers: { authorization: `Bearer ${env.OPERATOR_TOKEN ?? devDefaults.OPERATOR_TOKEN}` },
        });
        return response.status === 200 ? ((await response.json()) as { redis: string }) : undefined;
      },
      30_000,
    );
    expect(health.redis).toBe('up');
    await waitFor('the banner', async () => (child!.output().includes('npx tidings send-now') ? true : undefined), 30_000);
    // In development the banner names the token that opens /ops and the Redis in use, so nobody reads the source for them.
    expect(child.output()).toMatch(/sign in with OPERATOR_TOKEN dev-only-operator-token-0+/);
    expect(child.output()).toContain(`redis:           ${t.redisUrl}`);
    const home = await fetch(`http://127.0.0.1:${port}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('<form');

    const send = tidings(['send-now', '--to', 'reader@example.com'], env);
    expect(await send.exited).toBe(0);
    expect(send.output()).toMatch(/Sent a briefing of 10 articles to reader@example.com/);

    const { messages } = (await (await fetch(`http://127.0.0.1:${port}/dev/outbox.json`)).json()) as {
      messages: Array<{ to: string[]; html: string }>;
    };
    expect(messages[0]!.to).toEqual(['reader@example.com']);
    const link = messages[0]!.html.match(/href="(http:\/\/127\.0\.0\.1:\d+\/c\/[^"]+)"/)![1]!;
    const redirect = await fetch(link, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    // In development the demo articles are this instance's own pages, so the first click lands on a readable article.
    const location = redirect.headers.get('location')!;
    expect(location).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/demo/[a-z]+/`));
    const article = await fetch(location);
    expect(article.status).toBe(200);
    expect(await article.text()).toContain('Demo article shipped with Tidings');

    child.kill('SIGTERM');
    expect(await child.exited).toBe(0);
    rmSync(elsewhere, { recursive: true, force: true });
  }, 60_000);

  it('tells send-now users how to fix a bad address', async () => {
    const send = tidings(['send-now', '--to', 'not-an-address'], { REDIS_URL: inject('redisUrl') });
    expect(await send.exited).toBe(2);
    expect(send.output()).toMatch(/--to must be an email address such as reader@example.com/);
  });

  it('runs with Redis only installed: starts a private one, the CLI finds it, and it stops on exit', async () => {
    // A fresh network namespace has its own loopback with nothing on 6379: a machine with Redis installed but not running.
    const probe = (path: string) =>
      `node -e "fetch('http://127.0.0.1:8787${path}').then(r=>r.text()).then(t=>{console.log(t);process.exit(0)},()=>process.exit(1))"`;
    const script = [
      'set -u',
      'ip link set lo up',
      `node ${BIN} start > /dev/null 2>&1 & pid=$!`,
      `for i in $(seq 1 150); do ${probe('/healthz')} > /dev/null && break; sleep 0.2; done`,
      `${probe('/healthz')} || exit 11`,
      `node ${BIN} send-now --to private@example.com || exit 12`,
      `${probe('/dev/outbox.json')} | grep -q private@example.com || exit 13`,
      'url=$(sed -E \'s/.*"url":"([^"]+)".*/\\1/\' "$STATE_DIR/redis.json") || exit 17',
      'kill -TERM $pid; wait $pid || exit 14',
      'test ! -e "$STATE_DIR/redis.json" || exit 15',
      'case "$url" in redis://127.0.0.1:*) ;; *) exit 18;; esac',
      'redis-cli -u "$url" ping > /dev/null 2>&1 && exit 16',
      'exit 0',
    ].join('\n');
    const stateDir = mkdtempSync(join(tmpdir(), 'tidings-state-'));
    const run = spawn('unshare', ['-n', 'bash', '-c', script], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, STATE_DIR: stateDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    run.stdout.on('data', (d) => (output += d));
    run.stderr.on('data', (d) => (output += d));
    const code = await new Promise<number | null>((resolve) => run.on('exit', resolve));
    rmSync(stateDir, { recursive: true, force: true });
    expect(code, output).toBe(0);
    expect(output).toMatch(/Sent a briefing of 10 articles to private@example.com/);
  }, 60_000);

  it('starts a private Redis when nothing answers at the default URL, and stops it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tidings-private-redis-'));
    try {
      const unused = `redis://127.0.0.1:${await freePort()}`;
      const target = await ensureRedis({ url: unused, isDefault: true, mayStart: true, stateDir: dir });
      expect(JSON.parse(readFileSync(join(dir, 'redis.json'), 'utf8'))).toEqual({ url: target.url, pid: expect.any(Number) });
      expect(target.url).not.toBe(unused);
      expect(await redisAnswers(target.url)).toBe(true);
      await target.stop!();
      expect(await redisAnswers(target.url)).toBe(false);
      expect(existsSync(join(dir, 'redis.json'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says what to do when an explicit REDIS_URL does not answer', async () => {
    const unused = `redis://127.0.0.1:${await freePort()}`;
    await expect(ensureRedis({ url: unused, isDefault: false, mayStart: true })).rejects.toThrow(
      /Nothing answers at REDIS_URL=redis:\/\/127\.0\.0\.1:\d+\. Start that Redis, or unset REDIS_URL/,
    );
  });
});

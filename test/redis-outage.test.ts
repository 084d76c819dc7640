// Redis stopped mid-test: redirects keep answering at normal speed, events spill to disk, and every
// one of them reaches the stream once Redis is back on the same port.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { listen } from '../node/main';
import { startPrivateRedis, type RedisTarget } from '../node/private-redis';
import { createNodeRecorder } from '../src/recording/node-recorder';
import { statePaths } from '../node/paths';
import { recentEvents } from '../src/store/events';
import { memoryLogger, testEnv, type TestEnv } from './helpers';
import { browserAgent, linkPayload } from './links-helpers';
import { countEvents } from '../src/store/events';

let dir: string;
let redis: RedisTarget;
let t: TestEnv;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tidings-outage-'));
  redis = await startPrivateRedis(join(dir, 'redis'), null);
  t = testEnv({ REDIS_URL: redis.url, STATE_DIR: join(dir, 'state') });
});
afterAll(async () => {
  await t.cleanup();
  await redis.stop?.();
  rmSync(dir, { recursive: true, force: true });
});

describe('when Redis goes away', () => {
  it('keeps redirecting at normal speed and stores every event once Redis returns', async () => {
    const log = memoryLogger();
    const recorder = createNodeRecorder(t.db, statePaths(t.config.STATE_DIR).spillDir, log);
    const app = createApp({ config: t.config, db: t.db, signer: t.signer, recorder, log, now: t.now });
    const server = await listen(app.fetch, { PORT: 0, HOST: '127.0.0.1' }, { signer: t.signer, recorder, now: t.now });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const port = Number(new URL(redis.url).port);
    let n = 0;
    const clickSome = async (count: number) => {
      const timings: number[] = [];
      for (let i = 0; i < count; i++) {
        const token = await t.signer.sign(linkPayload(t, { position: n, article: `art_${n}`, url: `https://news.example/${n}` }));
        n++;
        const started = performance.now();
        const response = await fetch(`${base}/c/${token}`, { redirect: 'manual', headers: { 'user-agent': browserAgent } });
        timings.push(performance.now() - started);
        expect(response.status).toBe(302);
      }
      return timings.sort((a, b) => a - b);
    };
    try {
      const before = await clickSome(50);
      await recorder.flush();
      expect(await countEvents(t.db)).toBe(50);

      await redis.stop!();
      const during = await clickSome(150);
      await recorder.flush();
      expect(recorder.stats()).toMatchObject({ spilling: true, failed: 0 });
      expect(readdirSync(join(dir, 'state', 'spill')).length).toBeGreaterThan(0);
      // "Normal latency": the slowest redirect during the outage is in line with those before it.
      expect(during.at(-1)!).toBeLessThan(Math.max(50, before.at(-1)! * 5));

      redis = await startPrivateRedis(join(dir, 'redis'), null, port);
      await clickSome(20); // clicks keep coming while Redis returns
      await expect.poll(async () => (t.db.redis.status === 'ready' ? countEvents(t.db) : -1), { timeout: 15_000, interval: 200 }).toBe(220);
      await recorder.flush();
      const positions = (await recentEvents(t.db, 1000)).map((e) => e.position).sort((a, b) => a! - b!);
      expect(positions).toEqual([...Array(220).keys()]);
      expect(recorder.stats()).toMatchObject({ spilling: false, failed: 0, spilled: 0 });
      expect(readdirSync(join(dir, 'state', 'spill'))).toEqual([]);
      expect(log.lines.some((l) => l.level === 'info' && /spilled reader events replayed/.test(l.msg ?? ''))).toBe(true);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      recorder.close();
    }
  });
});

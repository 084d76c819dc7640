// A benchmark's own corner of Redis: the Redis at REDIS_URL (or a private redis-server when nothing answers at the
// default), a key prefix of its own, and the services every process opens; close() deletes what the run wrote.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { loadConfig, type Config } from '../../src/env';
import { ensureRedis } from '../../node/private-redis';
import { openServices, type Services } from '../../node/services';

export interface BenchServices {
  /** The run's prefix: keys under `<id>:`, queues under `{<id>}`. */
  id: string;
  /** The environment the run's own processes (`tidings worker`) start with. */
  env: Record<string, string>;
  config: Config;
  /** A folder of the run's own, removed by close(). */
  dataDir: string;
  services: Services;
  close(): Promise<void>;
}

export async function openBenchServices(name: string, extraEnv: Record<string, string> = {}): Promise<BenchServices> {
  const dataDir = mkdtempSync(join(tmpdir(), `tidings-bench-${name}-`));
  const target = await ensureRedis({
    url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    isDefault: !process.env.REDIS_URL,
    mayStart: true,
    stateDir: dataDir,
  });
  const id = `bench${name}${Date.now().toString(36)}`;
  const env = {
    NODE_ENV: 'development',
    REDIS_URL: target.url,
    REDIS_PREFIX: `${id}:`,
    QUEUE_PREFIX: `{${id}}`,
    PUBLIC_BASE_URL: 'https://tidings.example.com',
    LOG_LEVEL: 'warn',
    ...extraEnv,
  };
  const config = loadConfig(env);
  const services = openServices(config, target.url);
  return {
    id,
    env,
    config,
    services,
    dataDir,
    async close() {
      const redis = new Redis(target.url);
      for (const pattern of [`${id}:*`, `\\{${id}:*`]) {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 5000);
          cursor = next;
          if (keys.length) await redis.del(...keys);
        } while (cursor !== '0');
      }
      redis.disconnect();
      await services.close();
      await target.stop?.();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

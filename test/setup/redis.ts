// Global test setup: use the Redis at TEST_REDIS_URL (default 127.0.0.1:6379) or start a private one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { redisAnswers } from '../../node/redis';
import { redisServerInstalled, startPrivateRedis } from '../../node/private-redis';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    /** Seed nodes of the test cluster, comma-separated (test/setup/cluster.ts); absent on one Redis. */
    redisClusterNodes?: string;
  }
}

export default async function setup(project: TestProject) {
  const url = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  if (await redisAnswers(url)) {
    project.provide('redisUrl', url);
    return;
  }
  if (!redisServerInstalled())
    throw new Error(`No Redis answers at ${url} and redis-server is not installed (apt-get install redis-server).`);
  const dir = mkdtempSync(join(tmpdir(), 'tidings-test-redis-'));
  const target = await startPrivateRedis(dir, null);
  project.provide('redisUrl', target.url);
  return async () => {
    await target.stop?.();
    rmSync(dir, { recursive: true, force: true });
  };
}

// Test helpers: each test gets its own key prefix and queue prefix on the real Redis, and cleans up.
import { inject } from 'vitest';
import { loadConfig, type Config, type EnvSource } from '../src/env';
import { createBufferedRecorder } from '../src/recording/buffered-recorder';
import { createApp } from '../src/app';
import { appendEvents } from '../src/store/events';
import { openServices, type Services } from '../node/services';
import { consoleLogger, type Logger } from '../src/core/logger';
import { randomId } from '../src/core/encoding';
import { connectRedis, isCluster, masterNodes } from '../src/store/connection';
import type { RedisClient } from '../src/store/keys';

/** A logger that keeps what it was told, for assertions, and prints nothing. */
export function memoryLogger(): Logger & { lines: Array<{ level: string; msg?: string; obj: object }> } {
  const lines: Array<{ level: string; msg?: string; obj: object }> = [];
  const at = (level: string) => (obj: object, msg?: string) => void lines.push({ level, msg, obj });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export interface TestEnv extends Services {
  redisUrl: string;
  env: EnvSource;
  cleanup(): Promise<void>;
}

/** Config and connections for one test, isolated under fresh prefixes. */
export function testEnv(overrides: EnvSource = {}): TestEnv {
  const redisUrl = inject('redisUrl');
  // Under vitest.cluster.config.ts the same tests run on a local 3-master Redis Cluster.
  const clusterNodes = inject('redisClusterNodes') ?? '';
  const id = randomId('t')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 14);
  const env: EnvSource = {
    NODE_ENV: 'test',
    REDIS_URL: redisUrl,
    ...(clusterNodes ? { REDIS_CLUSTER_NODES: clusterNodes } : {}),
    REDIS_PREFIX: `${id}:`,
    QUEUE_PREFIX: `{${id}}`,
    PUBLIC_BASE_URL: 'http://tidings.test',
    LOG_LEVEL: 'silent',
    ...overrides,
  };
  const config: Config = loadConfig(env);
  const services = openServices(config, config.REDIS_URL, memoryLogger());
  return {
    ...services,
    redisUrl,
    env,
    async cleanup() {
      // The test Redis itself (a test may point its services somewhere unreachable).
      const redis = testRedis();
      try {
        await deleteByPattern(redis, `${config.REDIS_PREFIX}*`);
        // Each queue's prefix is {<id>:<queue>} (workers/queues.ts queuePrefix).
        await deleteByPattern(redis, `{${config.QUEUE_PREFIX.replace(/[{}]/g, '')}:*`);
      } finally {
        redis.disconnect();
      }
      await services.close();
    },
  };
}

/** The edge app wired to a test environment, with the recorder production runs on Workers (flush() awaits its writes). */
export function testApp(t: Services) {
  const recorder = createBufferedRecorder({ store: (events) => appendEvents(t.db, events), log: t.log ?? consoleLogger });
  const app = createApp({ config: t.config, db: t.db, signer: t.signer, recorder, log: t.log ?? consoleLogger, now: t.now });
  return { app, recorder };
}

/** Delete every key matching `pattern` on every master (on a cluster, one DEL per key: keys sit in many slots). */
export async function deleteByPattern(client: RedisClient, pattern: string): Promise<void> {
  if (isCluster(client) && client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
  for (const node of masterNodes(client)) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern.replace(/([{}])/g, '\\$1'), 'COUNT', 1000);
      cursor = next;
      await Promise.all(keys.map((key) => node.del(key)));
    } while (cursor !== '0');
  }
}

/** A connection to the test Redis (or the test cluster), for tests that work below the services. */
export function testRedis(): RedisClient {
  const nodes = inject('redisClusterNodes');
  return connectRedis(nodes ? { clusterNodes: nodes.split(',') } : { url: inject('redisUrl') });
}

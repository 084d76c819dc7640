// Redis connections for Node: one for the edge app, one shared by BullMQ, each with the right retry policy.
// Both go through src/store/connection.ts, so each is a cluster client when REDIS_CLUSTER_NODES is set.
import { Redis, type RedisOptions } from 'ioredis';
import { connectRedis, type RedisEndpoint } from '../src/store/connection';
import type { RedisClient } from '../src/store/keys';

/** Does anything answer PING at this URL within the timeout? */
export async function redisAnswers(url: string, timeoutMs = 1000): Promise<boolean> {
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/**
 * The edge app's connection: commands fail fast while Redis is away (so a redirect never waits on it),
 * and it reconnects in the background.
 */
export function appRedis(endpoint: RedisEndpoint, options: RedisOptions = {}): RedisClient {
  const redis = connectRedis(endpoint, {
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    enableOfflineQueue: true,
    retryStrategy: (n) => Math.min(n * 100, 2000),
    ...options,
  });
  redis.on('error', () => {}); // reported through health and the recorder's counters, not as noise per retry
  return redis;
}

/** BullMQ's connection: it must never give up on a command (BullMQ requires maxRetriesPerRequest: null). */
export function queueRedis(endpoint: RedisEndpoint): RedisClient {
  const redis = connectRedis(endpoint, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (n) => Math.min(n * 200, 5000),
  });
  redis.on('error', () => {});
  return redis;
}

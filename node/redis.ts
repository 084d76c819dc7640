// Redis connections for Node: one for the edge app, one shared by BullMQ, each with the right retry policy.
import { Redis, type RedisOptions } from 'ioredis';

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
export function appRedis(url: string, options: RedisOptions = {}): Redis {
  const redis = new Redis(url, {
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
export function queueRedis(url: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, retryStrategy: (n) => Math.min(n * 200, 5000) });
  redis.on('error', () => {});
  return redis;
}

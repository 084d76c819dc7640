// The connections and helpers every Node process (server, workers, CLI, tests) opens the same way.
import type { Redis } from 'ioredis';
import type { Config } from '../src/env';
import { LinkSigner } from '../src/core/links/links';
import type { Logger } from '../src/core/logger';
import { createKeys, type Db } from '../src/store/keys';
import { createNodeLogger } from './logger';
import { appRedis, queueRedis } from './redis';
import { nodeHmacSha256 } from './node-hmac';

export interface Services {
  config: Config;
  db: Db;
  /** Shared by every BullMQ queue and worker in this process. */
  queueConnection: Redis;
  signer: LinkSigner;
  log: Logger;
  now: () => Date;
  close(): Promise<void>;
}

export function openServices(
  config: Config,
  redisUrl: string,
  log: Logger = createNodeLogger(config.LOG_LEVEL, { readable: config.NODE_ENV === 'development' }),
): Services {
  const redis = appRedis(redisUrl);
  const queueConnection = queueRedis(redisUrl);
  return {
    config,
    db: { redis, keys: createKeys(config.REDIS_PREFIX) },
    queueConnection,
    signer: new LinkSigner(config.LINK_SIGNING_KEYS, nodeHmacSha256),
    log,
    now: () => new Date(),
    async close() {
      await Promise.allSettled([redis.quit(), queueConnection.quit()]);
    },
  };
}

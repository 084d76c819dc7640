// The connections and helpers every Node process (server, workers, CLI, tests) opens the same way.
import type { Config } from '../src/env';
import { LinkSigner } from '../src/core/links/links';
import type { Logger } from '../src/core/logger';
import { createKeys, type Db, type RedisClient } from '../src/store/keys';
import type { RedisEndpoint } from '../src/store/connection';
import { createNodeLogger } from './logger';
import { appRedis, queueRedis } from './redis';
import { nodeHmacSha256 } from '../workers/node-hmac';

export interface Services {
  config: Config;
  db: Db;
  /** Shared by every BullMQ queue and worker in this process. */
  queueConnection: RedisClient;
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
  const endpoint = redisEndpoint(config, redisUrl);
  const redis = appRedis(endpoint);
  const queueConnection = queueRedis(endpoint);
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

/** The cluster's seed nodes when REDIS_CLUSTER_NODES is set, else the one Redis at `redisUrl`. */
export function redisEndpoint(config: Pick<Config, 'redisClusterNodes'>, redisUrl: string): RedisEndpoint {
  return config.redisClusterNodes.length > 0 ? { clusterNodes: config.redisClusterNodes } : { url: redisUrl };
}

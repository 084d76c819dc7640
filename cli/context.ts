// What a CLI command needs: validated config and a connection to the Redis that Tidings uses.
import { ConfigError, loadConfig } from '../src/env';
import type { Logger } from '../src/core/logger';
import { ensureRedis, RedisUnavailableError } from '../node/private-redis';
import { openServices, type Services } from '../node/services';
import { createNodeLogger } from '../node/logger';

/** Thrown by a command to end with a message and an exit code, without a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Open services for a command, run it, close them; errors a person can act on are printed plainly. */
export async function withServices<T>(action: (services: Services) => Promise<T>): Promise<T | undefined> {
  let services: Services | undefined;
  try {
    const config = loadConfig();
    const redis = await ensureRedis({
      url: config.REDIS_URL,
      isDefault: config.redisUrlIsDefault,
      clusterNodes: config.redisClusterNodes,
      mayStart: false,
      stateDir: config.STATE_DIR,
    });
    // Commands print for people; only warnings and errors from the libraries go to the log.
    const log: Logger = createNodeLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, {
      readable: config.NODE_ENV === 'development',
    });
    services = openServices(config, redis.url, log);
    return await action(services);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof RedisUnavailableError || error instanceof CliError) {
      console.error(error.message);
      process.exitCode = error instanceof CliError ? error.exitCode : 1;
      return undefined;
    }
    throw error;
  } finally {
    await services?.close();
  }
}

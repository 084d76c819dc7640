// The Cloudflare Workers entry: the same edge app, with config from bindings and Redis over TCP per request.
import { createApp } from './app';
import { ConfigError, loadConfig, type Config, type EnvSource } from './env';
import { LinkSigner } from './core/links/links';
import { createClickBudget } from './core/links/click-budget';
import { consoleLogger } from './core/logger';
import { createBufferedRecorder } from './recording/buffered-recorder';
import { appendEvents } from './store/events';
import { connectRedis } from './store/connection';
import { createKeys } from './store/keys';

interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
}

let cached: { config: Config; signer: LinkSigner } | undefined;
// Per isolate, like the config: the app is built per request, the count of events per link must outlive it.
const clickBudget = createClickBudget();

export default {
  async fetch(request: Request, bindings: EnvSource, ctx: ExecutionContext): Promise<Response> {
    // Config is validated once per isolate; a bad deployment fails every request loudly rather than serving wrong links.
    try {
      cached ??= (() => {
        const config = loadConfig(stringBindings(bindings));
        return { config, signer: new LinkSigner(config.LINK_SIGNING_KEYS) };
      })();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      consoleLogger.error({ problems: error.problems }, error.message);
      return new Response('Tidings is not configured correctly; the operator can see why in the Worker logs.\n', { status: 503 });
    }
    const { config, signer } = cached;
    // Workers may not share a socket between requests, so each request has its own connection.
    // One Redis (REDIS_URL) or a cluster client (REDIS_CLUSTER_NODES), through the same factory as Node.
    const redis = connectRedis(
      config.redisClusterNodes.length > 0 ? { clusterNodes: config.redisClusterNodes } : { url: config.REDIS_URL },
      {
        lazyConnect: true,
        maxRetriesPerRequest: 2,
        connectTimeout: 2000,
        enableOfflineQueue: true,
      },
    );
    redis.on('error', () => {});
    const db = { redis, keys: createKeys(config.REDIS_PREFIX) };
    // No disk on Workers: a failed write is retried with backoff after the response (waitUntil), then counted and logged.
    const recorder = createBufferedRecorder({
      store: (events) => appendEvents(db, events),
      log: consoleLogger,
      retryDelaysMs: [100, 500, 2000],
    });
    const app = createApp({ config, db, signer, recorder, log: consoleLogger, now: () => new Date(), clickBudget });
    const response = await app.fetch(request);
    ctx.waitUntil(recorder.flush().finally(() => redis.quit().catch(() => redis.disconnect())));
    return response;
  },
};

function stringBindings(bindings: EnvSource): EnvSource {
  return Object.fromEntries(Object.entries(bindings).filter(([, v]) => typeof v === 'string'));
}

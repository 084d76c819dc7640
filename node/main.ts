// The Node entry: `npm start` runs the edge app and every worker in one process (the embedded default).
import { createServer } from 'node:http';
import { getRequestListener, type ServerType } from '@hono/node-server';
import { createApp } from '../src/app';
import { ConfigError, loadConfig, type Config } from '../src/env';
import type { LinkSigner } from '../src/core/links/links';
import type { EventRecorder } from '../src/recording/recorder';
import { withClickFastPath } from './click-fast-path';
import { createClickBudget, type ClickBudget } from '../src/core/links/click-budget';
import { createNodeRecorder } from '../src/recording/node-recorder';
import { statePaths } from './paths';
import { ensureRedis, redactUrl, RedisUnavailableError, type RedisTarget } from './private-redis';
import { loadedEnvFile } from './env-file';
import { describeBuild } from './build-kind';
import { portInUseMessage } from './port-in-use';
import { migrateLayout, needsMigration } from './migrate-layout';
import { openServices, type Services } from './services';
import { startWorkers, type RunningWorkers } from '../workers/index';
import { seedDemo } from '../workers/seed-demo';
import { openQueues, type Queues } from '../workers/queues';
import { mountNodeOps } from './ops-routes';
import { redirectLatency } from './metrics';
import { limitHeapGrowth } from './heap-growth';

export interface RunOptions {
  server: boolean;
  workers: boolean;
}

export interface Running {
  config: Config;
  services: Services;
  url: string;
  /** The Redis this process uses (password hidden), and whether Tidings started it itself. */
  redis: { url: string; private: boolean };
  stop(): Promise<void>;
}

/** Start what was asked for; every failure to start is reported in words and exits non-zero. */
export async function run(options: RunOptions): Promise<Running> {
  const config = loadConfig();
  const redis: RedisTarget = await ensureRedis({
    url: config.REDIS_URL,
    isDefault: config.redisUrlIsDefault,
    clusterNodes: config.redisClusterNodes,
    mayStart: true,
    stateDir: config.STATE_DIR,
  });
  const services = openServices(config, redis.url);
  const { log } = services;
  for (const notice of config.notices) log.warn({}, notice);
  // Data written by an older Tidings moves to the current key layout before anything reads it (idempotent).
  if (await needsMigration(services.db)) await migrateLayout(services.db, services.queueConnection, config.QUEUE_PREFIX, log);
  const recorder = createNodeRecorder(services.db, statePaths(config.STATE_DIR).spillDir, log);

  let server: ServerType | undefined;
  let workers: RunningWorkers | undefined;
  let opsQueues: Queues | undefined;
  if (options.server) {
    const clickBudget = createClickBudget();
    const deps = { config, db: services.db, signer: services.signer, recorder, log, now: services.now, clickBudget };
    const app = createApp(deps);
    // Node-only operator tools (BullMQ board, metrics, preview, test send) are mounted here, never in createApp.
    opsQueues = openQueues(services.queueConnection, config.QUEUE_PREFIX);
    mountNodeOps(app, deps, opsQueues);
    server = await listen(app.fetch, config, {
      signer: services.signer,
      recorder,
      now: services.now,
      trustProxyHops: config.TRUST_PROXY_HOPS,
      clickBudget,
      observe: (s) => redirectLatency.observe(s),
    });
  }
  if (options.workers) {
    limitHeapGrowth();
    workers = await startWorkers({
      config,
      db: services.db,
      connection: services.queueConnection,
      signer: services.signer,
      log,
      now: services.now,
    });
    if (config.SEED_DEMO && config.NODE_ENV !== 'production') {
      await seedDemo(services.db, workers.queues, services.queueConnection, config.QUEUE_PREFIX, log, services.now());
    }
  }

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      // Stop accepting first, then let running jobs finish, then store what was recorded, then disconnect.
      if (server) await closeServer(server);
      await workers?.close();
      await opsQueues?.close();
      await recorder.flush();
      recorder.close();
      await services.close();
      await redis.stop?.();
    })());
  return {
    config,
    services,
    url: config.PUBLIC_BASE_URL,
    redis: { url: redactUrl(redis.url), private: redis.url !== config.REDIS_URL },
    stop,
  };
}

/** node:http with the /c/ fast path in front of Hono (one decision, two adapters: see node/click-fast-path.ts). */
export function listen(
  fetch: (request: Request) => Response | Promise<Response>,
  config: Pick<Config, 'PORT' | 'HOST'>,
  clicks: {
    signer: LinkSigner;
    recorder: EventRecorder;
    now: () => Date;
    trustProxyHops?: number;
    clickBudget?: ClickBudget;
    observe?: (seconds: number) => void;
  },
): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = createServer(withClickFastPath(getRequestListener(fetch), clicks));
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, () => resolve(server));
  });
}

function closeServer(server: ServerType): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    if ('closeIdleConnections' in server) server.closeIdleConnections();
  });
}

/** Run until SIGINT or SIGTERM, then shut down in order; a second signal exits at once. */
export async function main(options: RunOptions, banner: (running: Running) => string): Promise<void> {
  let running: Running;
  try {
    running = await run(options);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof RedisUnavailableError) {
      console.error(error.message);
      process.exit(1);
    }
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      const config = loadConfig();
      console.error(portInUseMessage(config.PORT, config.HOST));
      process.exit(1);
    }
    throw error;
  }
  console.log(banner(running));
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) process.exit(130);
    signalled = true;
    console.log(`\n${signal} received: finishing running jobs and closing connections…`);
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('shutdown failed:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

export function startBanner({ config, redis }: Running): string {
  const mail = config.usesDevOutbox ? `the dev outbox: ${config.PUBLIC_BASE_URL}/dev/outbox` : `Resend, from ${config.MAIL_FROM}`;
  // Outside production the token is a development value (or the operator's own, on their machine): show it,
  // so the dashboard can be opened without reading the source. In production it is never printed.
  const token = config.NODE_ENV === 'production' ? 'the OPERATOR_TOKEN you set' : `OPERATOR_TOKEN ${config.OPERATOR_TOKEN}`;
  const envFile = loadedEnvFile();
  return [
    '',
    `Tidings is running at ${config.PUBLIC_BASE_URL}  (edge app and workers, ${config.NODE_ENV})`,
    `  health:          ${config.PUBLIC_BASE_URL}/healthz`,
    `  get a briefing:  npx tidings send-now --to you@example.com`,
    `  operators:       ${config.PUBLIC_BASE_URL}/ops  (sign in with ${token}; queues at /ops/queues)`,
    `  mail goes to:    ${mail}`,
    `  redis:           ${redis.url}${redis.private ? ` (Tidings' private redis-server; data in ${statePaths(config.STATE_DIR).privateRedisDir})` : ''}`,
    `  build:           ${describeBuild()}`,
    `  configuration:   ${envFile ? `${envFile} and the environment` : 'the environment (no .env file here; copy .env.example to .env)'}`,
    '  stop:            Ctrl-C',
    '',
  ].join('\n');
}

// `npm run bench:cluster`: one edition for --subscribers readers (default 20,000) sent by --workers `tidings worker`
// processes (default 2) on a local 3-master Redis Cluster (node/private-cluster.ts), through the local Resend server
// with its rate limit out of the way (--rate 1000 requests/s). `--single` runs the same on one private Redis, to compare.
// Prints JSON on the last line: nodes, keys and commands per master (commands from INFO commandstats, the edition
// only), the largest shares, emails/s, duplicates and the build the workers ran. Goal on the cluster: no master above
// 40% of keys or commands.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { loadConfig } from '../src/env';
import { startPrivateCluster } from '../node/private-cluster';
import { startPrivateRedis } from '../node/private-redis';
import { openServices } from '../node/services';
import { editionSummary } from '../src/store/deliveries';
import { BENCH_SCHEDULE, putBenchSchedule } from './bench/bench-schedule';
import { queueNames, queuePrefix } from '../workers/queues';
import { FakeResend } from '../test/fixtures/resend-server';
import { createSubscribers } from '../test/fixtures/subscribers';
import { seedArticles } from '../test/fixtures/articles';
import { startWorkerProcess, type WorkerProcess } from '../test/fixtures/worker-process';
import { build } from './build';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const subscribers = arg('subscribers', 20_000);
const workerCount = arg('workers', 2);
const rate = arg('rate', 1000);
const single = process.argv.includes('--single');
const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

// The workers run what `npm start` runs: the compiled build, made fresh here (the JSON says which ran).
await build();
const dataDir = mkdtempSync(join(tmpdir(), 'tidings-bench-cluster-'));
const cluster = single ? null : await startPrivateCluster(3);
const one = single ? await startPrivateRedis(dataDir, null) : null;
const nodeUrls = cluster ? cluster.nodes : [one!.url];
const id = `bench${Date.now().toString(36)}`;
const env: Record<string, string> = {
  NODE_ENV: 'development',
  REDIS_URL: nodeUrls[0]!,
  ...(cluster ? { REDIS_CLUSTER_NODES: cluster.nodes.join(',') } : {}),
  REDIS_PREFIX: `${id}:`,
  QUEUE_PREFIX: `{${id}}`,
  PUBLIC_BASE_URL: 'https://tidings.example.com',
  LOG_LEVEL: 'warn',
  SEND_RATE_LIMIT: String(rate),
};
const resend = new FakeResend({ rateLimit: rate });
env.RESEND_BASE_URL = await resend.start();
env.RESEND_API_KEY = 're_bench_key';
const config = loadConfig(env);
const services = openServices(config, nodeUrls[0]!);
const masters = nodeUrls.map((url) => new Redis(url));
const workers: WorkerProcess[] = [];

/** Calls per command on one master (INFO commandstats). */
async function commandCalls(redis: Redis): Promise<number> {
  const info = await redis.info('commandstats');
  let calls = 0;
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm))
    if (!['info', 'cluster'].includes(match[1]!)) calls += Number(match[2]);
  return calls;
}

try {
  await seedArticles(services.db);
  await createSubscribers(services.db, subscribers);
  await putBenchSchedule(services.db);
  log(`${subscribers} subscribers on ${nodeUrls.length} Redis node(s); starting ${workerCount} worker processes`);
  for (let i = 0; i < workerCount; i++) workers.push(startWorkerProcess(env));
  await Promise.all(workers.map((w) => w.ready));
  const before = await Promise.all(masters.map(commandCalls));
  const plan = new Queue(queueNames.planEdition, {
    connection: services.queueConnection,
    prefix: queuePrefix(config.QUEUE_PREFIX, queueNames.planEdition),
  });
  const started = performance.now();
  await plan.add(
    queueNames.planEdition,
    { schedule: BENCH_SCHEDULE, at: Date.parse('2026-11-23T07:00:00Z'), now: false },
    { jobId: 'plan__bench' },
  );
  const edition = 'bench-2026-11-23';
  let lastShown = 0;
  for (;;) {
    const s = await editionSummary(services.db, edition);
    if (s && s.planning_done && s.queued === 0 && s.planned > 0) break;
    if (performance.now() - lastShown > 5000) {
      lastShown = performance.now();
      log(`planned ${s?.planned ?? 0}, sent ${s?.sent ?? 0}, failed ${s?.failed ?? 0}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  const seconds = (performance.now() - started) / 1000;
  const summary = (await editionSummary(services.db, edition))!;
  const after = await Promise.all(masters.map(commandCalls));
  await plan.close();
  const commands = after.map((n, i) => n - before[i]!);
  const keys = await Promise.all(masters.map((m) => m.dbsize()));
  const share = (values: number[]) =>
    Math.max(...values) /
    Math.max(
      1,
      values.reduce((a, b) => a + b, 0),
    );
  const result = {
    bench: 'cluster',
    mode: single ? 'one Redis' : `${nodeUrls.length}-master cluster`,
    subscribers,
    worker_processes: workerCount,
    build: workers[0]!.build(),
    seconds: Number(seconds.toFixed(2)),
    sent: summary.sent,
    failed: summary.failed,
    nodes: nodeUrls.length,
    keys_per_node: keys,
    commands_per_node: commands,
    max_key_share: Number(share(keys).toFixed(3)),
    max_command_share: Number(share(commands).toFixed(3)),
    emails_per_s: Math.round(summary.sent / seconds),
    duplicates: resend.duplicates().length,
  };
  console.log(JSON.stringify(result));
} finally {
  await Promise.all(workers.map((w) => w.kill('SIGTERM')));
  await resend.close();
  for (const m of masters) m.disconnect();
  await services.close();
  await cluster?.stop();
  await one?.stop?.();
  rmSync(dataDir, { recursive: true, force: true });
}

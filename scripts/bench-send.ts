// `npm run bench:send`: one full edition for N subscribers (default 10,000; --subscribers 100000) sent by a
// `tidings worker` process through the local Resend server (test/fixtures/resend-server.ts), which enforces
// --rate requests per second (default 5) and answers 429s as Resend does. Prints JSON on the last line:
// seconds, emails/s, utilisation of the rate limit, 429s, duplicates, missing, peak RSS of the worker.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { loadConfig } from '../src/env';
import { ensureRedis } from '../node/private-redis';
import { openServices } from '../node/services';
import { editionSummary } from '../src/store/deliveries';
import { putSchedule } from '../src/store/schedules';
import { queueNames, queuePrefix } from '../workers/queues';
import { FakeResend } from '../test/fixtures/resend-server';
import { createSubscribers } from '../test/fixtures/subscribers';
import { seedArticles } from '../test/fixtures/articles';
import { startWorkerProcess } from '../test/fixtures/worker-process';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const subscribers = arg('subscribers', 10_000);
const rate = arg('rate', 5);
const concurrency = arg('concurrency', 12);

const dataDir = mkdtempSync(join(tmpdir(), 'tidings-bench-send-'));
const redisTarget = await ensureRedis({
  url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  isDefault: !process.env.REDIS_URL,
  mayStart: true,
  stateDir: dataDir,
});
const id = `bench${Date.now().toString(36)}`;
const env: Record<string, string> = {
  NODE_ENV: 'development',
  REDIS_URL: redisTarget.url,
  REDIS_PREFIX: `${id}:`,
  QUEUE_PREFIX: `{${id}}`,
  PUBLIC_BASE_URL: 'https://tidings.example.com',
  LOG_LEVEL: 'warn',
  SEND_RATE_LIMIT: String(rate),
  SEND_CONCURRENCY: String(concurrency),
};
const resend = new FakeResend({ rateLimit: rate });
env.RESEND_BASE_URL = await resend.start();
env.RESEND_API_KEY = 're_bench_key';
const config = loadConfig(env);
const services = openServices(config, redisTarget.url);
const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

try {
  await seedArticles(services.db);
  await createSubscribers(services.db, subscribers);
  await putSchedule(services.db, { name: 'bench', cron: '0 7 * * *', tz: 'UTC' }, new Date());
  log(`${subscribers} subscribers ready; starting the worker (rate ${rate} requests/s = ${rate * 100} emails/s at most)`);
  // BENCH_WORKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the worker.
  const worker = startWorkerProcess(env, (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean));
  await worker.ready;
  const plan = new Queue(queueNames.planEdition, {
    connection: services.queueConnection,
    prefix: queuePrefix(config.QUEUE_PREFIX, queueNames.planEdition),
  });
  const at = Date.parse('2026-11-23T07:00:00Z');
  const started = performance.now();
  await plan.add(queueNames.planEdition, { schedule: 'bench', at, now: false }, { jobId: 'plan__bench' });
  const edition = 'bench-2026-11-23';
  let lastShown = 0;
  for (;;) {
    const s = await editionSummary(services.db, edition);
    if (s && s.planning_done && s.queued === 0 && s.planned > 0) break;
    if (performance.now() - lastShown > 5000) {
      lastShown = performance.now();
      log(`planned ${s?.planned ?? 0}, sent ${s?.sent ?? 0}, failed ${s?.failed ?? 0}, 429s ${resend.stats.rateLimited}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const seconds = (performance.now() - started) / 1000;
  const summary = (await editionSummary(services.db, edition))!;
  const peakRss = worker.peakRss();
  await worker.kill('SIGTERM');
  await plan.close();
  const span = (resend.stats.lastAcceptedAt - resend.stats.firstAcceptedAt + 1000 / rate) / 1000;
  const result = {
    bench: 'send',
    subscribers,
    rate_limit_requests_per_s: rate,
    seconds: Number(seconds.toFixed(2)),
    emails_per_s: Math.round(summary.sent / seconds),
    utilisation: Number((resend.stats.acceptedRequests / (rate * span)).toFixed(3)),
    utilisation_overall: Number((summary.sent / seconds / (rate * 100)).toFixed(3)),
    sent: summary.sent,
    failed: summary.failed,
    requests: resend.stats.acceptedRequests,
    rate_limited_429s: resend.stats.rateLimited,
    duplicates: resend.duplicates().length,
    missing: subscribers - resend.perRecipient.size,
    worker_peak_rss_mb: peakRss === null ? null : Number((peakRss / 2 ** 20).toFixed(1)),
  };
  if (process.env.BENCH_DEBUG)
    console.log(
      resend.accepted
        .filter((a, i, all) => i === 0 || (all[i - 1]!.id !== a.id && all[i - 1]!.at !== a.at))
        .map((a) => a.at - resend.stats.firstAcceptedAt)
        .join(' '),
    );
  console.log(JSON.stringify(result));
} finally {
  await resend.close();
  const redis = new Redis(redisTarget.url);
  for (const pattern of [`${id}:*`, `\\{${id}:*`]) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 5000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  }
  redis.disconnect();
  await services.close();
  await redisTarget.stop?.();
  rmSync(dataDir, { recursive: true, force: true });
}

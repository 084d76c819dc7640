// Benchmark of sign-in mail: how fast POST /auth/v1/otp answers, and how long until the email is in the outbox.
// Usage: npm run bench:auth [-- --requests 300 --concurrency 20]   (REDIS_URL, default redis://127.0.0.1:6379)
// Prints JSON on its last line. The machine may be shared: rerun and compare medians rather than trusting one run.
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { createApp } from '../src/app';
import { randomId } from '../src/core/encoding';
import { createBufferedRecorder } from '../src/recording/buffered-recorder';
import { appendEvents } from '../src/store/events';
import { loadConfig } from '../src/env';
import { openServices } from '../node/services';
import { startWorkers } from '../workers/index';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '300' }, concurrency: { type: 'string', default: '20' } } });
const requests = Number(values.requests);
const concurrency = Number(values.concurrency);

const id = randomId('bench')
  .replace(/[^A-Za-z0-9]/g, '')
  .slice(0, 16);
let handler: (r: Request, env: unknown) => Response | Promise<Response> = () => new Response('starting', { status: 503 });
const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
  const s = serve({ fetch: (r, env) => handler(r, env), port: 0, hostname: '127.0.0.1' }, () => resolve(s));
});
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const config = loadConfig({
  NODE_ENV: 'test',
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  REDIS_PREFIX: `${id}:`,
  QUEUE_PREFIX: `{${id}}`,
  PUBLIC_BASE_URL: url,
  LOG_LEVEL: 'silent',
  AUTH_IP_HOURLY_LIMIT: '100000',
});
const services = openServices(config, config.REDIS_URL);
const app = createApp({
  config,
  db: services.db,
  signer: services.signer,
  recorder: createBufferedRecorder({ store: (events) => appendEvents(services.db, events), log: services.log }),
  log: services.log,
  now: services.now,
});
handler = (r, env) => app.fetch(r, env as never);
const workers = await startWorkers({
  config,
  db: services.db,
  connection: services.queueConnection,
  signer: services.signer,
  log: services.log,
  now: services.now,
});

function percentile(sorted: number[], p: number): number {
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 10) / 10;
}

async function otp(email: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${url}/auth/v1/otp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
  });
  if (response.status !== 200) throw new Error(`POST /otp answered ${response.status}: ${await response.text()}`);
  return performance.now() - started;
}

async function outboxLength(): Promise<number> {
  return services.db.redis.llen(services.db.keys.outbox);
}

try {
  // 1. Email latency, one request at a time: from sending POST /otp to the message in the outbox.
  const latencies: number[] = [];
  const single = Math.min(100, requests);
  for (let i = 0; i < single; i++) {
    const before = await outboxLength();
    const started = performance.now();
    await otp(`solo${i}@bench.example`);
    while ((await outboxLength()) === before) await new Promise((r) => setImmediate(r));
    latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);

  // 2. Throughput under concurrency: POST /otp answers per second, and emails out per second.
  const base = await outboxLength();
  const answers: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) answers.push(await otp(`load${next++}@bench.example`));
    }),
  );
  const answered = performance.now() - started;
  while ((await outboxLength()) - base < requests) await new Promise((r) => setTimeout(r, 2));
  const drained = performance.now() - started;
  answers.sort((a, b) => a - b);

  console.log(
    JSON.stringify({
      bench: 'auth',
      email_latency_ms: {
        requests: single,
        p50: percentile(latencies, 50),
        p95: percentile(latencies, 95),
        max: percentile(latencies, 100),
      },
      otp: {
        requests,
        concurrency,
        per_second: Math.round(requests / (answered / 1000)),
        p50_ms: percentile(answers, 50),
        p95_ms: percentile(answers, 95),
      },
      emails_sent_per_second: Math.round(requests / (drained / 1000)),
    }),
  );
} finally {
  await workers.close();
  await new Promise<void>((r) => server.close(() => r()));
  const redis = services.db.redis;
  for (const pattern of [`${id}:*`, `{${id}}*`]) {
    let cursor = '0';
    do {
      const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', pattern.replace(/([{}])/g, '\\$1'), 'COUNT', 1000);
      cursor = nextCursor;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  }
  await services.close();
}

// `npm run bench:send`: one full edition for N subscribers (default 10,000; --subscribers 100000) sent by
// `tidings worker` processes (--workers, default 1) through the local Resend server (test/fixtures/resend-server.ts),
// which enforces --rate requests per second (default 5; 0 lifts the limit) and answers 429s as Resend does. The pool
// is --candidates generated articles (default 500, many sources and topics; 0: the ~30 demo articles) and readers
// have learned profiles. Prints JSON on the last line: seconds, emails/s, utilisation of the rate limit, 429s,
// duplicates, missing, peak RSS (summed over workers), compose_per_s, ms_per_briefing by stage and the build the
// workers ran (compiled or source).
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { editionSummary } from '../src/store/deliveries';
import { BENCH_SCHEDULE, putBenchSchedule } from './bench/bench-schedule';
import { queueNames, queuePrefix } from '../workers/queues';
import { FakeResend } from '../test/fixtures/resend-server';
import { createSubscribers, learnProfiles } from '../test/fixtures/subscribers';
import { generateArticles, seedArticles } from '../test/fixtures/articles';
import { startWorkerProcess, type WorkerProcess } from '../test/fixtures/worker-process';
import { stageTable } from './bench/send-stages';
import { profileTable } from './bench/profile-stages';
import { openBenchServices } from './bench/bench-services';
import { readdirSync, statSync } from 'node:fs';
import { build } from './build';
import { loadConfig } from '../src/env';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const subscribers = arg('subscribers', 10_000);
const rate = arg('rate', 5);
// The worker's own SEND_CONCURRENCY unless given: the bench measures what a worker does by default.
const concurrency = arg('concurrency', loadConfig({}).SEND_CONCURRENCY);
const candidates = arg('candidates', 500);
const workers = arg('workers', 1);
// --profile: CPU-profile the workers and break their main thread's time down by stage (ms_per_briefing_by_stage).
const profile = process.argv.includes('--profile');
for (const [name, value, min] of [
  ['subscribers', subscribers, 1],
  ['rate', rate, 0],
  ['concurrency', concurrency, 1],
  ['candidates', candidates, 0],
  ['workers', workers, 1],
] as const) {
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be a whole number ≥ ${min} (got ${value})`);
}

// The workers run what `npm start` runs: the compiled build, made fresh here (bin/tidings.js falls back to the source
// only if it is stale; the JSON says which ran).
await build();
const resend = new FakeResend({ rateLimit: rate });
const bench = await openBenchServices('send', {
  SEND_RATE_LIMIT: String(rate),
  SEND_CONCURRENCY: String(concurrency),
  SEND_STAGE_TIMING: 'true',
  RESEND_BASE_URL: await resend.start(),
  RESEND_API_KEY: 're_bench_key',
});
const { env, config, services, dataDir } = bench;
/** Each worker process's main-thread profile: the largest file of its pid (the others are its feed-parsing threads). */
function mainThreadProfiles(dir: string): string[] {
  const byPid = new Map<string, string>();
  for (const name of readdirSync(dir)) {
    const pid = name.split('.')[3]!;
    const path = join(dir, name);
    const current = byPid.get(pid);
    if (!current || statSync(path).size > statSync(current).size) byPid.set(pid, path);
  }
  return [...byPid.values()];
}
const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

try {
  const at = Date.parse('2026-11-23T07:00:00Z');
  await seedArticles(services.db, new Date(at));
  const pool = candidates > 0 ? await generateArticles(services.db, candidates, { now: new Date(at), seed: 7 }) : null;
  const ids = await createSubscribers(services.db, subscribers);
  if (pool) await learnProfiles(services.db, ids, { ...pool, articleIds: pool.articleIds, now: new Date(at), seed: 11 });
  await putBenchSchedule(services.db);
  log(
    `${subscribers} subscribers and ${candidates || 'the demo'} candidates ready; starting ${workers} worker(s) ` +
      (rate > 0 ? `(rate ${rate} requests/s = ${rate * 100} emails/s at most)` : '(no rate limit)'),
  );
  // BENCH_WORKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the worker.
  const profileDir = join(dataDir, 'profiles');
  const nodeArgs = [
    ...(process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean),
    ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
  ];
  const running: WorkerProcess[] = Array.from({ length: workers }, () => startWorkerProcess(env, nodeArgs));
  await Promise.all(running.map((w) => w.ready));
  const plan = new Queue(queueNames.planEdition, {
    connection: services.queueConnection,
    prefix: queuePrefix(config.QUEUE_PREFIX, queueNames.planEdition),
  });
  const started = performance.now();
  await plan.add(queueNames.planEdition, { schedule: BENCH_SCHEDULE, at, now: false }, { jobId: 'plan__bench' });
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
  const peaks = running.map((w) => w.peakRss());
  const peakRss = peaks.some((p) => p === null) ? null : peaks.reduce((a, b) => a! + b!, 0);
  await Promise.all(running.map((w) => w.kill('SIGTERM')));
  await plan.close();
  const span = rate > 0 ? (resend.stats.lastAcceptedAt - resend.stats.firstAcceptedAt + 1000 / rate) / 1000 : null;
  const stages = stageTable(running.map((w) => w.output()));
  const result = {
    bench: 'send',
    subscribers,
    candidates: candidates || 'demo',
    workers,
    build: running[0]!.build(),
    rate_limit_requests_per_s: rate || null,
    seconds: Number(seconds.toFixed(2)),
    emails_per_s: Math.round(summary.sent / seconds),
    utilisation: span === null ? null : Number((resend.stats.acceptedRequests / (rate * span)).toFixed(3)),
    utilisation_overall: rate > 0 ? Number((summary.sent / seconds / (rate * 100)).toFixed(3)) : null,
    // Tidings' own ceiling: briefings composed and sent per second of the run (meaningful with the limit lifted).
    compose_per_s: Math.round(summary.sent / seconds),
    sent: summary.sent,
    failed: summary.failed,
    requests: resend.stats.acceptedRequests,
    rate_limited_429s: resend.stats.rateLimited,
    duplicates: resend.duplicates().length,
    missing: subscribers - resend.perRecipient.size,
    worker_peak_rss_mb: peakRss === null ? null : Number((peakRss / 2 ** 20).toFixed(1)),
    ms_per_briefing: stages,
    ...(profile ? { ms_per_briefing_by_stage: profileTable(mainThreadProfiles(profileDir), summary.sent) } : {}),
  };
  if (process.env.BENCH_MEMORY)
    for (const w of running)
      console.log(
        w
          .output()
          .split('\n')
          .filter((l) => l.includes('memory_mb'))
          .map((l) => JSON.stringify(JSON.parse(l.slice(20)).memory_mb))
          .join('\n'),
      );
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
  // (profiles are read before this: the data directory goes below)
  await bench.close();
}

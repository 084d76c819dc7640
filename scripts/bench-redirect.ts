// `npm run bench:redirect`: a bare node:http fixed 302 versus the Tidings edge app on Node (real Redis,
// recording on) under the same load, then drain and compare what was served with what was recorded.
// A third server, the floor (scripts/bench/floor-server.ts), verifies tokens the same way but records only
// a minimal entry: it shows how far the machine itself lets any recording redirect get.
// Prints one JSON line last:
//   {"baseline_rps","tidings_rps","ratio","p50_ms","p99_ms","served","recorded","floor_rps","floor_ratio","judge_clicks_per_s"}
// (the last: the workers' click judge, run over everything recorded once the load is over).
// The servers run side by side and are loaded in turn, BENCH_ROUNDS times (default 2), each run BENCH_SECONDS
// long; rates are over all runs, latencies the worst run's.
// Settings: BENCH_SECONDS (default 10), BENCH_ROUNDS (2), BENCH_CONNECTIONS (50), BENCH_TOKENS (10000),
// BENCH_LOAD (wrk or autocannon; default wrk when installed), BENCH_PIN=0 (do not pin wrk to the last core and
// the servers' main threads to the others), BENCH_PROFILE=1 (writes --cpu-prof profiles of the Tidings
// server to .tidings/profiles/ and of the floor to .tidings/profiles/floor/), REDIS_URL (default local).
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { loadConfig } from '../src/env';
import { randomId } from '../src/core/encoding';
import { LinkSigner } from '../src/core/links/links';
import { createKeys } from '../src/store/keys';
import { countEvents } from '../src/store/events';
import { projectRoot, statePaths } from '../node/paths';
import { chooseLoadGenerator, type LoadResult } from './bench/load';
import { createClickJudge, ensureJudgeGroup } from '../workers/judge-clicks';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const tokenCount = Number(process.env.BENCH_TOKENS ?? 10_000);
const warmupSeconds = 2;
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const profile = process.env.BENCH_PROFILE === '1';
const userAgent = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15';
const generator = chooseLoadGenerator(process.env.BENCH_LOAD, process.env.BENCH_PIN !== '0');

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `bench-${randomId('r').slice(2, 12)}:`;
const benchStateDir = mkdtempSync(join(tmpdir(), 'tidings-bench-state-'));
const pathsFile = join(benchStateDir, 'paths.txt');
const env = {
  ...process.env,
  NODE_ENV: 'development',
  REDIS_URL: redisUrl,
  REDIS_PREFIX: prefix,
  STATE_DIR: benchStateDir,
  LOG_LEVEL: 'warn',
  SEED_DEMO: 'false',
};
const config = loadConfig(env);

/** Distinct valid tokens: 1,000 readers × 10 articles of one edition, sent an hour ago. */
async function makePaths(): Promise<string[]> {
  const signer = new LinkSigner(config.LINK_SIGNING_KEYS);
  const sentAt = Math.floor(Date.now() / 1000) - 3600;
  return Promise.all(
    Array.from({ length: tokenCount }, async (_, i) => {
      const token = await signer.sign({
        url: `https://news.example/story/${i % 10}`,
        subscriber: `sub_${Math.floor(i / 10)}`,
        edition: 'ed_bench',
        article: `art_${i % 10}`,
        position: i % 10,
        kind: 'article',
        sent_at: sentAt,
      });
      return `/c/${token}`;
    }),
  );
}

interface Server {
  name: string;
  child: ChildProcess;
  port: number;
}

function start(name: string, script: string, execArgv: string[] = []): Promise<Server> {
  const child = fork(join(projectRoot, script), [], {
    env,
    execArgv: ['--import', 'tsx', ...execArgv],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  // The load generator has its own core; the servers' main threads share the others, all alike.
  if (generator.pinnedCore !== null)
    execFileSync('taskset', ['-p', '-c', `0-${Math.max(0, generator.pinnedCore - 1)}`, String(child.pid)], { stdio: 'ignore' });
  return new Promise((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve({ name, child, port: m.port }));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before listening`)));
  });
}

function ask<T>(child: ChildProcess, cmd: string): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (m: T) => resolve(m));
    child.send({ cmd });
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.send({ cmd: 'stop' });
  });
}

const load = (server: Server, duration: number, paths: string[]) =>
  generator.run({ port: server.port, seconds: duration, connections, paths, pathsFile, userAgent });

type Cpu = { user: number; system: number };
interface Run {
  result: LoadResult;
  serverUs: number;
}

/** One measured run, and the CPU time the server spent per request. */
async function measure(server: Server, paths: string[]): Promise<Run> {
  const before = (await ask<{ cpu: Cpu }>(server.child, 'cpu')).cpu;
  const result = await load(server, seconds, paths);
  const after = (await ask<{ cpu: Cpu }>(server.child, 'cpu')).cpu;
  const serverUs = Math.round(((after.user + after.system - before.user - before.system) / result.requests) * 10) / 10;
  return { result, serverUs };
}

const rps = (runs: Run[]) => runs.reduce((sum, r) => sum + r.result.requests, 0) / (runs.length * seconds);
const describe = (runs: Run[]) =>
  runs
    .map(
      (r) =>
        `${Math.round(r.result.requests / seconds)} req/s (p50 ${r.result.p50Ms} ms, p99 ${r.result.p99Ms} ms, server ${r.serverUs} µs/req)`,
    )
    .join('; ');
const problems = (runs: Run[]) => runs.reduce((n, r) => n + r.result.errors + r.result.timeouts, 0);

async function deleteKeys(redis: Redis): Promise<void> {
  let cursor = '0';
  do {
    const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = nextCursor;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}

/** The bursts and honeypot window, off the redirect's path: run the workers' click judge over everything recorded. */
async function judgeAll(): Promise<{ clicks: number; seconds: number }> {
  const db = { redis, keys: createKeys(prefix) };
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  await ensureJudgeGroup(db);
  const judge = createClickJudge({ db, log: quiet }, { consumer: 'bench' });
  const started = performance.now();
  let clicks = 0;
  for (let batch = await judge.runBatch(null); batch.read > 0; batch = await judge.runBatch(null)) clicks += batch.clicks;
  const seconds = (performance.now() - started) / 1000;
  await judge.close();
  return { clicks, seconds };
}

const redis = new Redis(redisUrl);
try {
  const paths = await makePaths();
  writeFileSync(pathsFile, `${paths.join('\n')}\n`);
  console.log(
    `bench:redirect: ${connections} connections from ${generator.name}, ${paths.length} distinct tokens, ${warmupSeconds} s warm-up, then ${rounds} rounds of ${seconds} s per server, Redis ${redisUrl} prefix ${prefix}`,
  );

  const profileDir = join(statePaths(undefined).dir, 'profiles');
  if (profile) mkdirSync(profileDir, { recursive: true });
  const servers = [
    await start('baseline', 'scripts/bench/baseline-server.ts'),
    await start('tidings', 'scripts/bench/tidings-server.ts', profile ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []),
    await start('floor', 'scripts/bench/floor-server.ts', profile ? ['--cpu-prof', '--cpu-prof-dir', join(profileDir, 'floor')] : []),
  ];
  // Warm every server, then alternate: other work on a shared machine then falls on all of them alike.
  for (const server of servers) await load(server, warmupSeconds, paths);
  const runs = new Map<string, Run[]>(servers.map((s) => [s.name, []]));
  for (let round = 0; round < rounds; round++) for (const server of servers) runs.get(server.name)!.push(await measure(server, paths));
  const [baseline, tidings, floor] = servers as [Server, Server, Server];
  await stop(baseline.child);
  const { stats, served } = await ask<{ stats: object; served: number }>(tidings.child, 'drain');
  const floorDrain = await ask<{ stats: { recorded: number }; served: number }>(floor.child, 'drain');
  await Promise.all([stop(tidings.child), stop(floor.child)]);
  const recorded = await countEvents({ redis, keys: createKeys(prefix) });
  const judge = await judgeAll();
  const [baselineRuns, tidingsRuns, floorRuns] = [runs.get('baseline')!, runs.get('tidings')!, runs.get('floor')!];
  console.log(`baseline node:http 302: ${describe(baselineRuns)}`);
  console.log(`tidings edge app:       ${describe(tidingsRuns)}; errors+timeouts ${problems(tidingsRuns)}`);
  console.log(
    `floor (verify + minimal record): ${describe(floorRuns)}; served ${floorDrain.served}, recorded ${floorDrain.stats.recorded}`,
  );
  console.log(`recorder after drain:   ${JSON.stringify(stats)}`);
  console.log(
    `click judge (a worker's job, after the run): ${judge.clicks} clicks in ${judge.seconds.toFixed(1)} s = ${Math.round(judge.clicks / judge.seconds)} clicks/s`,
  );
  if (profile) console.log(`CPU profiles of the Tidings server and the floor written to ${profileDir} and ${join(profileDir, 'floor')}`);
  console.log(
    "Note: the load generator, Redis and the servers share this machine's cores (and other work on it); figures vary between runs.",
  );
  const latencies = tidingsRuns.map((r) => r.result);
  console.log(
    JSON.stringify({
      baseline_rps: Math.round(rps(baselineRuns)),
      tidings_rps: Math.round(rps(tidingsRuns)),
      ratio: Math.round((rps(tidingsRuns) / rps(baselineRuns)) * 1000) / 1000,
      // The worst run's percentiles, not a flattering average.
      p50_ms: Math.max(...latencies.map((l) => l.p50Ms)),
      p99_ms: Math.max(...latencies.map((l) => l.p99Ms)),
      served,
      recorded,
      floor_rps: Math.round(rps(floorRuns)),
      floor_ratio: Math.round((rps(floorRuns) / rps(baselineRuns)) * 1000) / 1000,
      judge_clicks_per_s: Math.round(judge.clicks / judge.seconds),
    }),
  );
} finally {
  await deleteKeys(redis);
  redis.disconnect();
  rmSync(benchStateDir, { recursive: true, force: true });
}

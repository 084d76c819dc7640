// `npm run bench:redirect`: a bare node:http fixed 302 versus the Tidings edge app on Node (real Redis,
// recording on) under the same load, then drain and compare what was served with what was recorded.
// Prints one JSON line last: {"baseline_rps","tidings_rps","ratio","p50_ms","p99_ms","served","recorded"}.
// Both servers run side by side and are loaded in turn, BENCH_ROUNDS times (default 2), each run
// BENCH_SECONDS long; rates are over all runs, latencies the worst run's.
// Settings: BENCH_SECONDS (default 10), BENCH_CONNECTIONS (50), BENCH_TOKENS (10000), BENCH_PROFILE=1
// (writes a --cpu-prof profile of the Tidings server to .tidings/profiles/), REDIS_URL (default local).
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { loadConfig } from '../src/env';
import { randomId } from '../src/core/encoding';
import { LinkSigner } from '../src/core/links';
import { createKeys } from '../src/store/keys';
import { projectRoot, statePaths } from '../src/runtime/paths';

interface LoadResult {
  requests: { total: number };
  latency: { p50: number; p99: number; p97_5: number };
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  '3xx': number;
}
type Autocannon = (options: object, done: (error: Error | null, result: LoadResult) => void) => unknown;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const tokenCount = Number(process.env.BENCH_TOKENS ?? 10_000);
const warmupSeconds = 2;
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const profile = process.env.BENCH_PROFILE === '1';
const userAgent = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `bench-${randomId('r').slice(2, 12)}:`;
const benchStateDir = mkdtempSync(join(tmpdir(), 'tidings-bench-state-'));
const env = { ...process.env, NODE_ENV: 'development', REDIS_URL: redisUrl, REDIS_PREFIX: prefix, STATE_DIR: benchStateDir, LOG_LEVEL: 'warn', SEED_DEMO: 'false' };
const config = loadConfig(env);

/** Distinct valid tokens: 1,000 readers × 10 articles of one edition, sent an hour ago. */
async function makePaths(): Promise<string[]> {
  const signer = new LinkSigner(config.LINK_SIGNING_KEYS);
  const sentAt = Math.floor(Date.now() / 1000) - 3600;
  return Promise.all(
    Array.from({ length: tokenCount }, async (_, i) => {
      const token = await signer.sign({ url: `https://news.example/story/${i % 10}`, subscriber: `sub_${Math.floor(i / 10)}`, edition: 'ed_bench', article: `art_${i % 10}`, position: i % 10, kind: 'article', sent_at: sentAt });
      return `/c/${token}`;
    }),
  );
}

function start(script: string, execArgv: string[] = []): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(join(projectRoot, script), [], { env, execArgv: ['--import', 'tsx', ...execArgv], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve({ child, port: m.port }));
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

/** Drive the server: each connection cycles through its own slice of the tokens. */
function load(port: number, paths: string[], duration: number): Promise<LoadResult> {
  const per = Math.ceil(paths.length / connections);
  let next = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `http://127.0.0.1:${port}`,
        connections,
        duration,
        headers: { 'user-agent': userAgent },
        setupClient(client: { setRequests(r: object[]): void }) {
          const slice = paths.slice(next * per, (next + 1) * per);
          next = (next + 1) % connections;
          client.setRequests(slice.map((path) => ({ method: 'GET', path })));
        },
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

type Cpu = { user: number; system: number };
interface Run {
  result: LoadResult;
  serverUs: number;
  loadUs: number;
}

/** One measured run; also the CPU time the server and this load generator spent per request. */
async function measure(server: { child: ChildProcess; port: number }, paths: string[]): Promise<Run> {
  const before = (await ask<{ cpu: Cpu }>(server.child, 'cpu')).cpu;
  const ownBefore = process.cpuUsage();
  const result = await load(server.port, paths, seconds);
  const own = process.cpuUsage(ownBefore);
  const after = (await ask<{ cpu: Cpu }>(server.child, 'cpu')).cpu;
  const perRequest = (micros: number) => Math.round((micros / result.requests.total) * 10) / 10;
  return { result, serverUs: perRequest(after.user + after.system - before.user - before.system), loadUs: perRequest(own.user + own.system) };
}

const rps = (runs: Run[]) => runs.reduce((sum, r) => sum + r.result.requests.total, 0) / (runs.length * seconds);
const describe = (runs: Run[]) =>
  runs.map((r) => `${Math.round(r.result.requests.total / seconds)} req/s (p50 ${r.result.latency.p50} ms, p99 ${r.result.latency.p99} ms, server ${r.serverUs} µs/req, load generator ${r.loadUs} µs/req)`).join('; ');

async function deleteKeys(redis: Redis): Promise<void> {
  let cursor = '0';
  do {
    const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = nextCursor;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}

const redis = new Redis(redisUrl);
try {
  const paths = await makePaths();
  console.log(`bench:redirect: ${connections} connections, ${paths.length} distinct tokens, ${warmupSeconds} s warm-up, then ${rounds} rounds of ${seconds} s per server, Redis ${redisUrl} prefix ${prefix}`);

  const profileDir = join(statePaths(undefined).dir, 'profiles');
  if (profile) mkdirSync(profileDir, { recursive: true });
  const baseline = await start('scripts/bench/baseline-server.ts');
  const tidings = await start('scripts/bench/tidings-server.ts', profile ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []);
  // Warm both, then alternate: other work on a shared machine then falls on both sides alike.
  const warm = [await load(baseline.port, paths, warmupSeconds), await load(tidings.port, paths, warmupSeconds)];
  const baselineRuns: Run[] = [];
  const tidingsRuns: Run[] = [];
  for (let round = 0; round < rounds; round++) {
    baselineRuns.push(await measure(baseline, paths));
    tidingsRuns.push(await measure(tidings, paths));
  }
  await stop(baseline.child);
  const { stats, served } = await ask<{ stats: object; served: number }>(tidings.child, 'drain');
  await stop(tidings.child);
  const recorded = await redis.xlen(createKeys(prefix).events);
  const problems = [...warm, ...tidingsRuns.map((r) => r.result)].reduce((n, r) => n + r.errors + r.timeouts, 0);
  console.log(`baseline node:http 302: ${describe(baselineRuns)}`);
  console.log(`tidings edge app:       ${describe(tidingsRuns)}; errors+timeouts ${problems}`);
  console.log(`recorder after drain:   ${JSON.stringify(stats)}`);
  if (profile) console.log(`CPU profile of the Tidings server written to ${profileDir}`);
  console.log("Note: the load generator, Redis and both servers share this machine's cores (and other work on it); figures vary between runs.");
  const latencies = tidingsRuns.map((r) => r.result.latency);
  console.log(
    JSON.stringify({
      baseline_rps: Math.round(rps(baselineRuns)),
      tidings_rps: Math.round(rps(tidingsRuns)),
      ratio: Math.round((rps(tidingsRuns) / rps(baselineRuns)) * 1000) / 1000,
      // The worst run's percentiles, not a flattering average.
      p50_ms: Math.max(...latencies.map((l) => l.p50)),
      p99_ms: Math.max(...latencies.map((l) => l.p99)),
      served,
      recorded,
    }),
  );
} finally {
  await deleteKeys(redis);
  redis.disconnect();
  rmSync(benchStateDir, { recursive: true, force: true });
}

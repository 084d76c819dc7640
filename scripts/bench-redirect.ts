// `npm run bench:redirect`: a bare node:http fixed 302 versus the Tidings edge app on Node (real Redis,
// recording on) under the same load, then drain and compare what was served with what was recorded.
// Prints one JSON line last: {"baseline_rps","tidings_rps","ratio","p50_ms","p99_ms","served","recorded"}.
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
import { projectRoot, stateDir } from '../src/runtime/paths';

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
const profile = process.env.BENCH_PROFILE === '1';
const userAgent = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `bench-${randomId('r').slice(2, 12)}:`;
const spillDir = mkdtempSync(join(tmpdir(), 'tidings-bench-spill-'));
const env = { ...process.env, NODE_ENV: 'development', REDIS_URL: redisUrl, REDIS_PREFIX: prefix, EVENT_SPILL_DIR: spillDir, LOG_LEVEL: 'warn', SEED_DEMO: 'false' };
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

/** Warm up, then measure; also the CPU time the server and this load generator spent per request. */
async function measure(script: string, paths: string[], execArgv: string[] = []) {
  const { child, port } = await start(script, execArgv);
  const warm = await load(port, paths, warmupSeconds);
  const before = (await ask<{ cpu: Cpu }>(child, 'cpu')).cpu;
  const ownBefore = process.cpuUsage();
  const result = await load(port, paths, seconds);
  const own = process.cpuUsage(ownBefore);
  const after = (await ask<{ cpu: Cpu }>(child, 'cpu')).cpu;
  const perRequest = (cpu: Cpu) => Math.round(((cpu.user + cpu.system) / result.requests.total) * 10) / 10;
  const serverCpu = { user: after.user - before.user, system: after.system - before.system };
  return { child, warm, result, rps: result.requests.total / seconds, serverUs: perRequest(serverCpu), loadUs: perRequest(own) };
}

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
  console.log(`bench:redirect: ${connections} connections, ${paths.length} distinct tokens, ${warmupSeconds} s warm-up + ${seconds} s each, Redis ${redisUrl} prefix ${prefix}`);

  const baseline = await measure('scripts/bench/baseline-server.ts', paths);
  await stop(baseline.child);
  console.log(`baseline node:http 302: ${Math.round(baseline.rps)} req/s, p50 ${baseline.result.latency.p50} ms, p99 ${baseline.result.latency.p99} ms, server CPU ${baseline.serverUs} µs/request, load generator ${baseline.loadUs} µs/request`);

  const profileDir = join(stateDir, 'profiles');
  if (profile) mkdirSync(profileDir, { recursive: true });
  const tidings = await measure('scripts/bench/tidings-server.ts', paths, profile ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []);
  const { stats, served } = await ask<{ stats: object; served: number }>(tidings.child, 'drain');
  await stop(tidings.child);
  const recorded = await redis.xlen(createKeys(prefix).events);
  const problems = tidings.result.errors + tidings.result.timeouts + tidings.warm.errors + tidings.warm.timeouts;
  console.log(`tidings edge app:       ${Math.round(tidings.rps)} req/s, p50 ${tidings.result.latency.p50} ms, p99 ${tidings.result.latency.p99} ms, server CPU ${tidings.serverUs} µs/request, load generator ${tidings.loadUs} µs/request, errors+timeouts ${problems}`);
  console.log(`recorder after drain:   ${JSON.stringify(stats)}`);
  if (profile) console.log(`CPU profile of the Tidings server written to ${profileDir}`);
  console.log('Note: the load generator, Redis and the server share this machine\'s cores; figures vary between runs.');
  console.log(
    JSON.stringify({
      baseline_rps: Math.round(baseline.rps),
      tidings_rps: Math.round(tidings.rps),
      ratio: Math.round((tidings.rps / baseline.rps) * 1000) / 1000,
      p50_ms: tidings.result.latency.p50,
      p99_ms: tidings.result.latency.p99,
      served,
      recorded,
    }),
  );
} finally {
  await deleteKeys(redis);
  redis.disconnect();
  rmSync(spillDir, { recursive: true, force: true });
}

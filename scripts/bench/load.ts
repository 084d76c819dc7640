// Load generators for bench:redirect. wrk (C, one thread) when it is installed, pinned to one core when
// taskset is there: it leaves the most of this machine to the servers. autocannon (in this Node process)
// otherwise. Both give each request the next of a list of distinct paths.
import { execFile, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../node/paths';

export interface LoadResult {
  requests: number;
  p50Ms: number;
  p99Ms: number;
  /** Connection errors, read/write errors and 4xx/5xx answers. */
  errors: number;
  timeouts: number;
}

export interface LoadOptions {
  port: number;
  seconds: number;
  connections: number;
  /** Request paths, one per line, in `pathsFile` (wrk) and in `paths` (autocannon). */
  paths: string[];
  pathsFile: string;
  userAgent: string;
}

export type LoadGenerator = { name: string; run(options: LoadOptions): Promise<LoadResult>; pinnedCore: number | null };

function installed(command: string): string | null {
  for (const path of [`/usr/bin/${command}`, `/usr/local/bin/${command}`]) {
    try {
      execFileSync(path, ['--version'], { stdio: 'ignore' });
      return path;
    } catch (error) {
      // wrk -v and --version exit 1 after printing their version: installed all the same.
      if ((error as { status?: number }).status === 1) return path;
    }
  }
  return null;
}

/** The load generator for this run: BENCH_LOAD=wrk|autocannon, else wrk when installed. */
export function chooseLoadGenerator(wanted: string | undefined, pin: boolean): LoadGenerator {
  const wrk = installed('wrk');
  if (wanted === 'wrk' && !wrk) throw new Error('BENCH_LOAD=wrk but wrk is not installed (Debian: apt-get install wrk)');
  if (wanted === 'autocannon' || !wrk) return { name: 'autocannon', run: runAutocannon, pinnedCore: null };
  const taskset = installed('taskset');
  const core = pin && taskset && availableParallelism() > 1 ? availableParallelism() - 1 : null;
  return {
    name: core === null ? 'wrk' : `wrk (pinned to core ${core})`,
    pinnedCore: core,
    run: (options) => runWrk(wrk, core === null ? null : { taskset: taskset!, core }, options),
  };
}

function runWrk(wrk: string, pin: { taskset: string; core: number } | null, o: LoadOptions): Promise<LoadResult> {
  const args = [
    '-t1',
    `-c${o.connections}`,
    `-d${o.seconds}s`,
    '-s',
    join(projectRoot, 'scripts/bench/wrk-paths.lua'),
    `http://127.0.0.1:${o.port}`,
  ];
  const [command, commandArgs] = pin ? [pin.taskset, ['-c', String(pin.core), wrk, ...args]] : [wrk, args];
  return new Promise((resolve, reject) => {
    execFile(
      command,
      commandArgs,
      { env: { ...process.env, BENCH_PATHS: o.pathsFile, BENCH_USER_AGENT: o.userAgent } },
      (error, stdout) => {
        const line = stdout.split('\n').find((l) => l.startsWith('WRK_RESULT '));
        if (error || !line) return reject(error ?? new Error(`wrk printed no result:\n${stdout}`));
        const r = JSON.parse(line.slice('WRK_RESULT '.length)) as Record<string, number>;
        const ms = (micros: number) => Math.round(micros / 10) / 100;
        resolve({
          requests: r.requests!,
          p50Ms: ms(r.p50_us!),
          p99Ms: ms(r.p99_us!),
          errors: r.connect! + r.read! + r.write! + r.status!,
          timeouts: r.timeout!,
        });
      },
    );
  });
}

type Autocannon = (options: object, done: (error: Error | null, result: AutocannonResult) => void) => unknown;
interface AutocannonResult {
  requests: { total: number };
  latency: { p50: number; p99: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  '3xx': number;
}

/** Each connection cycles through its own slice of the paths. */
function runAutocannon(o: LoadOptions): Promise<LoadResult> {
  const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
  const per = Math.ceil(o.paths.length / o.connections);
  let next = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `http://127.0.0.1:${o.port}`,
        connections: o.connections,
        duration: o.seconds,
        headers: { 'user-agent': o.userAgent },
        setupClient(client: { setRequests(r: object[]): void }) {
          const slice = o.paths.slice(next * per, (next + 1) * per);
          next = (next + 1) % o.connections;
          client.setRequests(slice.map((path) => ({ method: 'GET', path })));
        },
      },
      (error, r) =>
        error
          ? reject(error)
          : resolve({
              requests: r.requests.total,
              p50Ms: r.latency.p50,
              p99Ms: r.latency.p99,
              errors: r.errors + (r.non2xx - r['3xx']),
              timeouts: r.timeouts,
            }),
    );
  });
}

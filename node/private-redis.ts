// The embedded default: when nothing answers at the default REDIS_URL, start a private redis-server
// (loopback, its own port, data in .tidings/redis, AOF on) and stop it on exit.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { statePaths } from './paths';
import { redisAnswers } from './redis';
import { freePort } from './free-port';

export class RedisUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisUnavailableError';
  }
}

export interface RedisTarget {
  url: string;
  /** Set when this process started the server; stop() shuts it down and waits for it. */
  stop?: () => Promise<void>;
}

interface EnsureOptions {
  url: string;
  /** The URL is the built-in default, so a private server may stand in for it. */
  isDefault: boolean;
  /** Start a private server if needed (npm start, tests); the CLI only looks for a running one. */
  mayStart: boolean;
  /** Where a private server keeps its data and writes its address (STATE_DIR; default .tidings/). */
  stateDir?: string;
  /** REDIS_CLUSTER_NODES: a cluster is never started privately; one seed must answer. */
  clusterNodes?: readonly string[];
}

/** Find a Redis to use, or start one; throws RedisUnavailableError saying what to do. */
export async function ensureRedis(options: EnsureOptions): Promise<RedisTarget> {
  if (options.clusterNodes && options.clusterNodes.length > 0) {
    for (const node of options.clusterNodes) if (await redisAnswers(node)) return { url: node };
    throw new RedisUnavailableError(
      `No node of REDIS_CLUSTER_NODES answers (${options.clusterNodes.map(redactUrl).join(', ')}). Start the cluster, or check the addresses.`,
    );
  }
  if (await redisAnswers(options.url)) return { url: options.url };
  if (!options.isDefault) {
    throw new RedisUnavailableError(
      `Nothing answers at REDIS_URL=${redactUrl(options.url)}. Start that Redis, or unset REDIS_URL to let Tidings run a private one.`,
    );
  }
  const paths = statePaths(options.stateDir);
  const running = readPrivateRedisState(paths.privateRedisStateFile);
  if (running && (await redisAnswers(running.url))) return { url: running.url };
  if (!options.mayStart) {
    throw new RedisUnavailableError(
      `Nothing answers at ${options.url} and no private Redis is running. Start Tidings first with \`npm start\` (it runs one), or set REDIS_URL.`,
    );
  }
  if (!redisServerInstalled()) {
    throw new RedisUnavailableError(
      `Nothing answers at ${options.url}, and redis-server is not installed, so Tidings cannot start a private one.\n` +
        '  Install Redis (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis),\n' +
        '  or point REDIS_URL at a running Redis.',
    );
  }
  return startPrivateRedis(paths.privateRedisDir, paths.privateRedisStateFile);
}

export function redisServerInstalled(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Start redis-server on a free loopback port (or on `port`, to bring one back where it was);
 * `stateFile` (if given) tells other processes where it is.
 */
export async function startPrivateRedis(dataDir: string, stateFile: string | null, port?: number): Promise<RedisTarget> {
  mkdirSync(dataDir, { recursive: true });
  port ??= await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dataDir,
      '--appendonly',
      'yes',
      '--save',
      '',
      '--daemonize',
      'no',
      '--loglevel',
      'warning',
      '--maxmemory-policy',
      'noeviction',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const url = `redis://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 10_000;
  while (!(await redisAnswers(url, 300))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new RedisUnavailableError(`redis-server did not start on port ${port} (see its output above).`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  if (stateFile) writeFileSync(stateFile, JSON.stringify({ url, pid: child.pid }) + '\n');
  return {
    url,
    async stop() {
      if (stateFile) rmSync(stateFile, { force: true });
      if (child.exitCode !== null) return;
      child.kill('SIGTERM'); // redis-server finishes its AOF write and exits on SIGTERM
      await exited;
    },
  };
}

function readPrivateRedisState(stateFile: string): { url: string } | null {
  try {
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { url?: unknown };
    return typeof state.url === 'string' ? { url: state.url } : null;
  } catch {
    return null;
  }
}

/** The URL without its password, fit to print. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}

// A local Redis Cluster for tests and benchmarks: n masters from Debian's redis-server on free loopback ports,
// data in a temporary directory, joined with `redis-cli --cluster create`, stopped (and the data removed) on stop().
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './free-port';
import { redisAnswers } from './redis';
import { RedisUnavailableError } from './private-redis';

export interface PrivateCluster {
  /** One `redis://127.0.0.1:port` per master, in port order: the seed nodes (REDIS_CLUSTER_NODES). */
  nodes: string[];
  /** The master's redis-server process by its URL, for tests that kill or inspect one node. */
  pids: Record<string, number>;
  stop(): Promise<void>;
}

/** Start `masters` redis-server processes in cluster mode and join them into one cluster covering every slot. */
export async function startPrivateCluster(masters = 3): Promise<PrivateCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'tidings-cluster-'));
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const ports: number[] = [];
    for (let i = 0; i < masters; i++) {
      // freePort() closes its probe before returning: ask for distinct ports, and a cluster bus port (port + 10000) free too.
      let port = await freePort();
      while (ports.includes(port) || port + 10_000 > 65_535) port = await freePort();
      ports.push(port);
    }
    for (const port of ports) children.push(startNode(join(dir, String(port)), port));
    const nodes = ports.map((port) => `redis://127.0.0.1:${port}`);
    for (const url of nodes) await waitFor(() => redisAnswers(url, 300), `redis-server (cluster node ${url}) did not start`);
    const created = spawnSync(
      'redis-cli',
      ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'],
      { encoding: 'utf8', timeout: 30_000 },
    );
    if (created.status !== 0) throw new RedisUnavailableError(`redis-cli --cluster create failed:\n${created.stdout}${created.stderr}`);
    await waitFor(() => clusterReady(nodes), 'the cluster did not reach cluster_state:ok on every node');
    const pids = Object.fromEntries(nodes.map((url, i) => [url, children[i]!.pid!]));
    return { nodes, pids, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function startNode(dataDir: string, port: number): ChildProcess {
  mkdirSync(dataDir, { recursive: true });
  return spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dataDir,
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      join(dataDir, 'nodes.conf'),
      '--cluster-node-timeout',
      '5000',
      '--appendonly',
      'no',
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
}

/** Every node says cluster_state:ok and knows every slot. */
async function clusterReady(nodes: readonly string[]): Promise<boolean> {
  for (const url of nodes) {
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    redis.on('error', () => {});
    try {
      await redis.connect();
      const info = await redis.cluster('INFO');
      if (!/cluster_state:ok/.test(String(info)) || !/cluster_slots_ok:16384/.test(String(info))) return false;
    } catch {
      return false;
    } finally {
      redis.disconnect();
    }
  }
  return true;
}

async function waitFor(check: () => Promise<boolean>, failure: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new RedisUnavailableError(failure);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** redis-cli is needed to join the nodes (it comes with redis-server in Debian's redis-tools). */
export function redisCliInstalled(): boolean {
  return spawnSync('redis-cli', ['--version'], { stdio: 'ignore' }).status === 0;
}

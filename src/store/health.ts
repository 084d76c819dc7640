// Can Tidings read and write Redis? A key round trip on every master (one Redis: on it), and on a cluster its state.
import { Cluster } from 'ioredis';
import { keySlot } from './key-slot';
import type { Db } from './keys';

export interface NodeHealth {
  node: string;
  ok: boolean;
  /** Why the node failed, in words (absent when ok). */
  problem?: string;
}

export interface RedisHealth {
  up: boolean;
  latencyMs: number | null;
  /** One entry per master; a single Redis is one node. */
  nodes: NodeHealth[];
}

/** Round trip a short-lived key on each master; `up` only when every one of them answered right. */
export async function checkRedis(db: Db, timeoutMs: number): Promise<RedisHealth> {
  const started = performance.now();
  let nodes: NodeHealth[];
  try {
    nodes = await withTimeout(visitNodes(db), timeoutMs, 'no answer in time');
  } catch (error) {
    nodes = [{ node: 'redis', ok: false, problem: message(error) }];
  }
  const up = nodes.length > 0 && nodes.every((n) => n.ok);
  return { up, latencyMs: up ? Math.round((performance.now() - started) * 100) / 100 : null, nodes };
}

async function visitNodes(db: Db): Promise<NodeHealth[]> {
  const redis = db.redis;
  if (!(redis instanceof Cluster)) {
    return [await roundTrip(db, `${db.keys.prefix}health`, `${redis.options.host}:${redis.options.port}`)];
  }
  if (redis.status !== 'ready') throw new Error(`the cluster client is ${redis.status}`);
  // CLUSTER SLOTS: [start, end, [host, port, id], replicas…] per range; each master gets a key in one of its ranges.
  const ranges = (await redis.cluster('SLOTS')) as unknown as Array<[number, number, [string, number]]>;
  const byNode = new Map<string, Array<[number, number]>>();
  for (const [start, end, [host, port]] of ranges) {
    const node = `${host}:${port}`;
    byNode.set(node, [...(byNode.get(node) ?? []), [start, end]]);
  }
  const covered = ranges.reduce((n, [start, end]) => n + end - start + 1, 0);
  const checks = await Promise.all([...byNode].map(([node, owned]) => roundTrip(db, healthKeyIn(db.keys.prefix, owned), node)));
  if (covered < 16384) checks.push({ node: 'cluster', ok: false, problem: `only ${covered} of 16384 slots are served` });
  return checks;
}

/** A health key whose slot is one the node owns ({h0}, {h1}, … until one lands there). */
function healthKeyIn(prefix: string, owned: Array<[number, number]>): string {
  for (let i = 0; i < 100_000; i++) {
    const key = `${prefix}health:{h${i}}`;
    const slot = keySlot(key);
    if (owned.some(([start, end]) => slot >= start && slot <= end)) return key;
  }
  return `${prefix}health:{h0}`;
}

async function roundTrip(db: Db, key: string, node: string): Promise<NodeHealth> {
  const value = `${Date.now()}-${Math.random()}`;
  try {
    await db.redis.set(key, value, 'PX', 10_000);
    const read = await db.redis.get(key);
    if (read !== value) return { node, ok: false, problem: 'a key written could not be read back' };
    return { node, ok: true };
  } catch (error) {
    return { node, ok: false, problem: message(error) };
  }
}

function message(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 200);
}

function withTimeout<T>(work: Promise<T>, ms: number, why: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(why)), ms)));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

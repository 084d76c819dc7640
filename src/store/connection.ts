// The one way every Tidings process opens Redis: one server (REDIS_URL) or a Redis Cluster (REDIS_CLUSTER_NODES).
// Both are ioredis clients with the same commands; the cluster client follows MOVED and ASK, retries TRYAGAIN
// and CLUSTERDOWN while a slot migrates, and sends each command to the master owning its key's slot.
import { Cluster, Redis, type ClusterNode, type RedisOptions } from 'ioredis';
import type { RedisClient } from './keys';

/** Where Redis is: one URL, or the seed nodes of a cluster (any few masters; the client discovers the rest). */
export type RedisEndpoint = { url: string; clusterNodes?: undefined } | { url?: undefined; clusterNodes: readonly string[] };

/** Split REDIS_CLUSTER_NODES ("redis://a:7000,redis://b:7001") into URLs; empty entries are ignored. */
export function parseClusterNodes(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Open a connection; `options` are per-connection settings (timeouts, retries), the same for both kinds. */
export function connectRedis(endpoint: RedisEndpoint, options: RedisOptions = {}): RedisClient {
  if (!endpoint.clusterNodes) return new Redis(endpoint.url, options);
  const seeds = endpoint.clusterNodes.map((raw) => new URL(raw));
  const first = seeds[0];
  if (!first) throw new Error('REDIS_CLUSTER_NODES names no node');
  const nodes: ClusterNode[] = seeds.map((u) => ({ host: u.hostname, port: Number(u.port || 6379) }));
  // Credentials and TLS come from the first seed: a cluster's nodes share them.
  const redisOptions: RedisOptions = {
    ...options,
    ...(first.username ? { username: decodeURIComponent(first.username) } : {}),
    ...(first.password ? { password: decodeURIComponent(first.password) } : {}),
    ...(first.protocol === 'rediss:' ? { tls: { servername: first.hostname } } : {}),
  };
  return new Cluster(nodes, {
    redisOptions,
    // No auto-pipelining: ioredis 6's Cluster crashes on a reply it batched with a failed command (XGROUP CREATE's
    // BUSYGROUP); commands sent together still share the socket without waiting for each other.
    enableAutoPipelining: false,
    enableOfflineQueue: options.enableOfflineQueue ?? true,
    maxRedirections: 32,
    retryDelayOnTryAgain: 100,
    retryDelayOnClusterDown: 200,
    retryDelayOnFailover: 200,
    clusterRetryStrategy: (times) => Math.min(times * 100, 2000),
    ...(options.lazyConnect ? { lazyConnect: true } : {}),
    ...(first.protocol === 'rediss:' ? { dnsLookup: (address, callback) => callback(null, address) } : {}),
  });
}

/** A second connection like `client` (a blocking reader needs its own), with `options` on top. */
export function duplicateRedis(client: RedisClient, options: RedisOptions = {}): RedisClient {
  if (client instanceof Cluster) {
    return client.duplicate(undefined, { redisOptions: { ...client.options.redisOptions, ...options } });
  }
  return client.duplicate(options);
}

/** The masters of a cluster, or the one server: what health checks and benchmarks visit one by one. */
export function masterNodes(client: RedisClient): Redis[] {
  return client instanceof Cluster ? client.nodes('master') : [client];
}

/** What inOneWrite needs of the connection's socket (Node's net.Socket; the edge bundle names no Node module). */
type CorkableSocket = { cork(): void; uncork(): void };

/**
 * Run `issue`, which sends a burst of commands without awaiting between them, with the connection's socket corked:
 * the burst leaves in one system call instead of one per command (a batch's reads and writes are one command or
 * pipeline per bucket of readers, ~60 each). Uncorked once `issue` has returned. A cluster client (a socket per
 * node, each command routed by slot) is left as it is.
 */
export function inOneWrite<T>(client: RedisClient, issue: () => T): T {
  const socket =
    client instanceof Redis && client.status === 'ready' ? (client as unknown as { stream?: CorkableSocket }).stream : undefined;
  socket?.cork();
  try {
    return issue();
  } finally {
    socket?.uncork();
  }
}

/** True when `client` talks to a cluster. For operator tools only; domain code never branches on it. */
export const isCluster = (client: RedisClient): client is Cluster => client instanceof Cluster;

// Global setup of `npm run test:cluster`: a local 3-master Redis Cluster (node/private-cluster.ts), or the one at
// TEST_REDIS_CLUSTER_NODES. Tests get its seed nodes (redisClusterNodes) and, for what needs a URL, its first node.
import type { TestProject } from 'vitest/node';
import { redisServerInstalled } from '../../node/private-redis';
import { redisCliInstalled, startPrivateCluster } from '../../node/private-cluster';
import './redis';

export default async function setup(project: TestProject) {
  const given = process.env.TEST_REDIS_CLUSTER_NODES;
  if (given) {
    project.provide('redisClusterNodes', given);
    project.provide('redisUrl', given.split(',')[0]!.trim());
    return;
  }
  if (!redisServerInstalled() || !redisCliInstalled())
    throw new Error('test:cluster needs redis-server and redis-cli (apt-get install redis-server), or TEST_REDIS_CLUSTER_NODES.');
  const cluster = await startPrivateCluster(3);
  project.provide('redisClusterNodes', cluster.nodes.join(','));
  project.provide('redisUrl', cluster.nodes[0]!);
  // Cluster tests that need to find a node's process (to inspect it) read them from here.
  process.env.TIDINGS_TEST_CLUSTER_PIDS = JSON.stringify(cluster.pids);
  return () => cluster.stop();
}

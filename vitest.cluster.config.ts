// `npm run test:cluster`: the tests that matter most on several Redis nodes, run on a local 3-master Redis Cluster
// started from redis-server by test/setup/cluster.ts (or the one at TEST_REDIS_CLUSTER_NODES).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/cluster/**/*.cluster.ts'],
    globalSetup: ['test/setup/cluster.ts'],
    testTimeout: 240_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});

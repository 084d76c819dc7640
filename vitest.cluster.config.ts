// `npm run test:cluster`: the tests that matter most on several Redis nodes, run on a local 3-master Redis Cluster
// started from redis-server by test/setup/cluster.ts (or the one at TEST_REDIS_CLUSTER_NODES).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The same slice, sign-in, learning and rollup tests as on one Redis, then the cluster's own (slot migration, spread).
    include: [
      'test/slice.test.ts',
      'test/auth-supabase-js.test.ts',
      'test/learner.test.ts',
      'test/learned-rollup.test.ts',
      'test/cluster/**/*.cluster.ts',
    ],
    globalSetup: ['test/setup/cluster.ts'],
    testTimeout: 240_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});

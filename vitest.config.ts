// Tests run against real Redis: the global setup finds one or starts a private redis-server.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'src/**/*.test.{ts,tsx}',
      'node/**/*.test.{ts,tsx}',
      'cli/**/*.test.{ts,tsx}',
      'workers/**/*.test.{ts,tsx}',
      'emails/**/*.test.{ts,tsx}',
      'test/**/*.test.{ts,tsx}',
    ],
    globalSetup: ['test/setup/redis.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});

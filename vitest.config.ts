import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'devices/**/*.test.ts', 'test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests open real sockets; two workers fit this 2-core machine.
    pool: 'forks',
    maxWorkers: 2,
  },
});

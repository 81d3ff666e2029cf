import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      '{common,collector,exporter,simulator,dashboards}/src/**/*.test.ts',
      'bench/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    // Integration tests start real servers: give them room, and keep the 2-core machine usable.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});

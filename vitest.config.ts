import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * The server's files run in parallel, each on its own copy of the migrated template database,
 * in worker processes that run file after file (`isolate: false`: Fastify, the drivers and
 * PGlite's compiled WebAssembly stay loaded; our modules start afresh per file through
 * fresh-modules.ts). At least two workers: Vitest's default leaves one core idle, which on a
 * two-core machine ran the files one at a time.
 */
const serverFiles = {
  environment: 'node',
  globalSetup: ['apps/server/test/global-setup.ts'],
  setupFiles: ['apps/server/test/fresh-modules.ts'],
  testTimeout: 60_000,
  hookTimeout: 120_000,
  pool: 'forks',
  isolate: false,
} as const;

export default defineConfig({
  test: {
    maxWorkers: Math.max(2, availableParallelism()),
    projects: [
      {
        test: {
          name: 'shared',
          include: ['packages/shared/src/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          // Pure modules of the web app (the vendor app's receipt, stock warning…); no DOM needed.
          name: 'web',
          include: ['apps/web/src/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['apps/web/test/node-browser-globals.ts'],
        },
      },
      {
        test: {
          name: 'server',
          include: ['apps/server/src/**/*.test.ts', 'apps/server/test/**/*.test.ts'],
          ...serverFiles,
        },
      },
      {
        test: {
          name: 'sync-client',
          include: ['packages/sync-client/test/**/*.test.ts'],
          // The engine is tested against the real server, on a fresh database like the server tests.
          ...serverFiles,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.e2e.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});

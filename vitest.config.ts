import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** The longest files (20-60 s each), started first so that none runs alone at the end. */
const LONG_FILES = [
  'apps/server/test/fuzz.test.ts',
  'apps/server/src/ops/backup.test.ts',
  'apps/server/test/openapi-client.test.ts',
  'apps/server/src/features/orders/order-concurrency.test.ts',
];

/**
 * Vitest's order (by the durations it remembers, else larger files first), with LONG_FILES moved
 * to the front of their project: a fresh clone has no durations to go by.
 */
class LongFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (file: TestSpecification) => {
      const index = LONG_FILES.findIndex((long) => file.moduleId.endsWith(`/${long}`));
      return index === -1 ? LONG_FILES.length : index;
    };
    const projects = [...new Set(sorted.map((file) => file.project.name))];
    return sorted
      .map((file, position) => ({ file, position }))
      .sort(
        (a, b) =>
          projects.indexOf(a.file.project.name) - projects.indexOf(b.file.project.name) ||
          rank(a.file) - rank(b.file) ||
          a.position - b.position,
      )
      .map(({ file }) => file);
  }
}

/**
 * The server's files run in parallel, each on its own copy of the migrated template database,
 * in worker processes that run file after file (`isolate: false`): every module, ours included,
 * is loaded once per worker. Each file builds its own app on its own database, and the app keeps
 * its state in what `buildApp` makes (deps, metrics, caches), never in a module, so nothing
 * carries over from one file to the next (loading our modules again for each file cost about a
 * quarter of the suite's CPU). At least two workers: Vitest's default leaves one core idle, which
 * on a two-core machine ran the files one at a time.
 */
const serverFiles = {
  environment: 'node' as const,
  globalSetup: ['apps/server/test/global-setup.ts'],
  testTimeout: 60_000,
  hookTimeout: 120_000,
  pool: 'forks' as const,
  isolate: false,
};

export default defineConfig({
  test: {
    maxWorkers: Math.max(2, availableParallelism()),
    sequence: { sequencer: LongFilesFirst },
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
          // Each file's server starts on a copy of one migrated template, as the server's tests do.
          globalSetup: ['apps/server/test/global-setup.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // Files run in parallel, each with its own server and browser profiles; a test that deploys a
          // "new version" of the app does it on its own copy of the build (vendor.e2e.ts). As for
          // the server's files, a worker loads the server and Playwright once for all its files.
          pool: 'forks',
          isolate: false,
        },
      },
    ],
  },
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../src/db/client.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string | null;
    pgTemplate: ProvidedPgTemplate | null;
  }
}

type Templates = { pgliteTemplate: string | null; pgTemplate: ProvidedPgTemplate | null };
type ProvidedPgTemplate = { adminUrl: string; template: string; runId: string };

/**
 * The run's template, made by the first project that asks (server, sync-client and e2e share this
 * setup; each project calls it) and kept in this process's environment for the next ones: one
 * migration per run instead of one per project (about 3 s each). The maker's teardown removes it,
 * after every project has finished.
 */
const SHARED_TEMPLATES = 'GAPAL_TEST_TEMPLATES';

/**
 * Migrates one template database per run; each test file then starts from a copy of it:
 * a PGlite data-dir dump, or a PostgreSQL `CREATE DATABASE … TEMPLATE` when DATABASE_URL is set.
 */
export default async function setup(project: TestProject) {
  const shared = process.env[SHARED_TEMPLATES];
  if (shared) {
    provideTemplates(project, JSON.parse(shared) as Templates);
    return undefined;
  }
  const { templates, teardown } = await makeTemplates();
  process.env[SHARED_TEMPLATES] = JSON.stringify(templates);
  provideTemplates(project, templates);
  return async () => {
    delete process.env[SHARED_TEMPLATES];
    await teardown();
  };
}

function provideTemplates(project: TestProject, templates: Templates): void {
  project.provide('pgTemplate', templates.pgTemplate);
  project.provide('pgliteTemplate', templates.pgliteTemplate);
}

async function makeTemplates(): Promise<{ templates: Templates; teardown: () => Promise<void> }> {
  const adminUrl = process.env.DATABASE_URL;
  if (adminUrl) {
    const runId = `${Date.now().toString(36)}${process.pid}`;
    const template = `gapal_tpl_${runId}`;
    await withAdmin(adminUrl, (client) => client.query(`CREATE DATABASE ${template}`));
    const database = await openDatabase({
      kind: 'postgres',
      url: withDatabase(adminUrl, template),
      poolSize: 2,
    });
    await database.migrate();
    await database.close();
    return {
      templates: { pgTemplate: { adminUrl, template, runId }, pgliteTemplate: null },
      teardown: () =>
        withAdmin(adminUrl, async (client) => {
          const { rows } = await client.query<{ datname: string }>(
            'SELECT datname FROM pg_database WHERE datname LIKE $1',
            [`gapal_%_${runId}%`],
          );
          for (const { datname } of rows)
            await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
        }),
    };
  }

  const dir = mkdtempSync(path.join(tmpdir(), 'gapal-test-'));
  const file = path.join(dir, 'template.tar');
  const template = await openDatabase({ kind: 'pglite', ...TEST_PGLITE });
  await template.migrate();
  const client = (template.db as unknown as { $client: PGlite }).$client;
  // Each test file unpacks this dump into memory and starts PostgreSQL on it: the less it holds,
  // the faster (a file's start went from about 0.65 to 0.2 s of CPU). The tests use only the
  // `postgres` database, so the two template databases go.
  await client.exec(
    "UPDATE pg_database SET datistemplate = false WHERE datname IN ('template0', 'template1')",
  );
  await client.exec('DROP DATABASE template0');
  await client.exec('DROP DATABASE template1');
  // Flushed to the data files: each copy then starts without replaying the migrations' WAL.
  await client.exec('CHECKPOINT');
  const dump = await client.dumpDataDir('none');
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await template.close();
  return {
    templates: { pgliteTemplate: file, pgTemplate: null },
    teardown: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * PGlite as the tests run it: 1 MB WAL segments instead of 16 (the dump carries one) and 8 MB of
 * shared buffers instead of 128 (PostgreSQL sets them up at every start). Production keeps the
 * defaults.
 */
export const TEST_PGLITE = {
  initdbArgs: ['--wal-segsize=1'],
  settings: { shared_buffers: '8MB' },
} as const;

export async function withAdmin<T>(adminUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

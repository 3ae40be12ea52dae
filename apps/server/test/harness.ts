import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, inject } from 'vitest';
import { buildApp } from '../src/app.ts';
import { bootstrap } from '../src/bootstrap/bootstrap.ts';
import { type Config, loadConfig } from '../src/config.ts';
import { type Database, type Db, openDatabase } from '../src/db/client.ts';
import { TEST_PGLITE, withAdmin, withDatabase } from './global-setup.ts';
import { openReusedPglite } from './pglite-reuse.ts';

export type TestApp = {
  app: FastifyInstance;
  db: Db;
  database: Database;
  config: Config;
  /** The site every fresh install has ("Koudougou"). */
  defaultSiteId: string;
  isPostgres: boolean;
  close(): Promise<void>;
};

export type TestAppOptions = {
  env?: Record<string, string>;
  /** Connections in the pool on PostgreSQL (concurrency tests want many). */
  poolSize?: number;
  /**
   * An embedded database created and migrated by this process, as on a first `npm start`, on
   * either run (PGlite learns the types a database has when it opens it, not the ones it creates).
   */
  freshEmbedded?: boolean;
};

/** A fresh database copied from the migrated template, and the app built on it. */
export async function openTestDatabase(
  poolSize = 10,
): Promise<{ database: Database; drop(): Promise<void> }> {
  const pgTemplate = inject('pgTemplate');
  if (pgTemplate) {
    // Unique across the files a worker process runs one after the other.
    const name = `gapal_t_${pgTemplate.runId}_${process.pid}_${randomBytes(4).toString('hex')}`;
    await withAdmin(pgTemplate.adminUrl, (client) =>
      client.query(`CREATE DATABASE ${name} TEMPLATE ${pgTemplate.template}`),
    );
    const database = await openDatabase({
      kind: 'postgres',
      url: withDatabase(pgTemplate.adminUrl, name),
      poolSize,
    });
    return {
      database,
      drop: () =>
        withAdmin(pgTemplate.adminUrl, (client) =>
          client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
        ).then(() => undefined),
    };
  }
  const templateFile = inject('pgliteTemplate');
  if (!templateFile) throw new Error('global setup provided no database template');
  const database = await openReusedPglite(templateFile, () =>
    openDatabase({ kind: 'pglite', loadDataDir: templateBlob(templateFile), settings: TEST_PGLITE.settings }),
  );
  return { database, drop: async () => {} };
}

/**
 * The template's bytes, read once per worker process: a worker runs many files one after the
 * other; the cache lives on globalThis, outside any module a test might load afresh.
 */
function templateBlob(file: string): Blob {
  const cache = globalThis as { gapalTemplate?: { file: string; bytes: Uint8Array } };
  if (cache.gapalTemplate?.file !== file) cache.gapalTemplate = { file, bytes: readFileSync(file) };
  return new BytesBlob(cache.gapalTemplate.bytes);
}

/**
 * A Blob over bytes already in memory. PGlite only calls `arrayBuffer()`, which Node's Blob
 * answers by streaming its 40 MB in small chunks (a fifth of a file's database start-up); this
 * hands over a copy at once (PGlite's copy, so the cached bytes stay intact).
 */
class BytesBlob extends Blob {
  readonly #bytes: Uint8Array;
  constructor(bytes: Uint8Array) {
    super([]);
    this.#bytes = bytes;
  }
  override arrayBuffer(): Promise<ArrayBuffer> {
    return Promise.resolve(this.#bytes.slice().buffer);
  }
}

async function openFreshEmbeddedDatabase(): Promise<{ database: Database; drop(): Promise<void> }> {
  const database = await openDatabase({ kind: 'pglite', ...TEST_PGLITE });
  await database.migrate();
  return { database, drop: async () => {} };
}

export function testConfig(env: Record<string, string> = {}, dataDir?: string): Config {
  return loadConfig({
    JWT_SECRET: 'test-secret-test-secret-test-secret-0123456789',
    GAPAL_DATA_DIR: dataDir ?? path.join(tmpdir(), 'gapal-test-unused'),
    GAPAL_DEMO_DATA: 'false',
    LOG_LEVEL: 'silent',
    LOGIN_IP_MAX_PER_MINUTE: '100000',
    LOGIN_MAX_FAILURES: '1000',
    // scrypt at 2^10 instead of the server's 2^15: the suites hash and check passwords hundreds
    // of times (config.test.ts checks the default).
    PASSWORD_SCRYPT_N: '1024',
    ...env,
  });
}

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gapal-data-'));
  const config = testConfig(options.env, dataDir);
  const { database, drop } = options.freshEmbedded
    ? await openFreshEmbeddedDatabase()
    : await openTestDatabase(options.poolSize);
  const app = await buildApp(config, database, { logger: false });
  await bootstrap(app.writes, config);
  await app.ready();
  const [site] = (await database.db.query.sites.findMany({ limit: 1 })) ?? [];
  return {
    app,
    db: database.db,
    database,
    config,
    defaultSiteId: site!.id,
    isPostgres: database.kind === 'postgres',
    async close() {
      await app.close();
      await database.close();
      await drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * One app per test file: `const t = useTestApp();` then use `t.app` inside tests.
 * The object is filled in `beforeAll` and closed in `afterAll`.
 */
export function useTestApp(options: TestAppOptions = {}): TestApp {
  const holder = {} as TestApp;
  beforeAll(async () => {
    Object.assign(holder, await createTestApp(options));
  });
  afterAll(async () => {
    await holder.close?.();
  });
  return holder;
}

export type ApiResponse<T = any> = { status: number; body: T; headers: Record<string, unknown> };

/** A JSON call through `app.inject`, with an optional bearer token. */
export async function api<T = any>(
  t: TestApp,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> {
  const response = await t.app.inject({
    method,
    url,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { payload: options.body as object }),
  });
  const text = response.body;
  let body: unknown = text;
  if (response.headers['content-type']?.toString().includes('application/json') && text.length > 0) {
    body = JSON.parse(text);
  }
  return { status: response.statusCode, body: body as T, headers: response.headers };
}

/**
 * What every benchmark shares: a throwaway PostgreSQL database, a Gapal server in a child process
 * (one Fastify app, as in production, so the load generator does not share its event loop), the
 * tokens it accepts, and the sizes that `BENCH_QUICK=1` shrinks for a smoke run.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createTokenSigner } from '../../apps/server/src/features/auth/tokens.ts';
import type { BenchRequest, ServeOptions } from './serve.ts';
import {
  megabytes,
  residentBytes,
  sampleResident,
  serverBuild,
  serverEnv,
  serverExecArgv,
  serverModule,
} from './server-process.ts';

export const BENCH_JWT_SECRET = 'bench-secret-bench-secret-bench-secret-0123456789';

/** `BENCH_QUICK=1`: every size small enough to check a benchmark runs end to end in seconds. */
export const QUICK = process.env.BENCH_QUICK === '1';

/** A size from its environment knob when set, else the full or the quick default. */
export function benchSize(knob: string, full: number, quick: number): number {
  return Number(process.env[knob] ?? (QUICK ? quick : full));
}

/** Signs tokens the bench server accepts (users are inserted straight into the table). */
export function benchSigner() {
  return createTokenSigner(BENCH_JWT_SECRET, 3600);
}

export type BenchUser = { id: string; token: string };

/**
 * A user inserted straight into the table, with an access token the bench signs (its password is
 * never used). `db` runs one query at a time: create users one after the other.
 */
export async function insertBenchUser(
  db: pg.Client,
  siteId: string,
  role: 'vendeur' | 'gestionnaire_commandes' | 'gestionnaire_stocks' | 'admin',
  username: string,
): Promise<BenchUser> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO users (username, full_name, role, site_id, password_hash)
     VALUES ($1, $1, $2, $3, 'x') RETURNING id`,
    [username, role, siteId],
  );
  const id = rows[0]!.id;
  return { id, token: await benchSigner().signAccess({ userId: id, role, siteId, deviceId: null }) };
}

export type BenchDatabase = { name: string; url: string };

/**
 * Creates `<prefix>_<time>` on the PostgreSQL in `adminUrl` (DATABASE_URL by default), runs `fn`
 * and drops the database, even when `fn` fails (then a failed drop does not hide its error).
 */
export async function withBenchDatabase<T>(
  prefix: string,
  fn: (database: BenchDatabase) => Promise<T>,
  adminUrl = process.env.DATABASE_URL,
): Promise<T> {
  if (!adminUrl) throw new Error('DATABASE_URL is required (npm run bench sets it)');
  const name = `${prefix}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  let failed = true;
  try {
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const result = await fn({ name, url: url.toString() });
    failed = false;
    return result;
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch((error: unknown) => {
      if (!failed) throw error;
    });
    await admin.end();
  }
}

/** Connects a client to the bench database, runs `fn` and closes it. */
export async function withClient<T>(url: string, fn: (db: pg.Client) => Promise<T>): Promise<T> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    return await fn(db);
  } finally {
    await db.end().catch(() => {});
  }
}

export type BenchServer = {
  base: string;
  port: number;
  pid: number;
  /** Asks the server process something (see `BenchRequest` in serve.ts) and waits for its answer. */
  request<T>(request: BenchRequest): Promise<T>;
  /** Closes the app and the database, then the process (killed after 10 s). */
  stop(): Promise<void>;
};

/**
 * Forks bench/support/serve.ts on `databaseUrl`: it migrates and bootstraps the database and
 * listens on a loopback port. `env` is added to (or overrides) the bench configuration.
 * `BENCH_SERVER=compiled` forks it as production runs it: the compiled JavaScript of the server's
 * build (`npm run build -w @gapal/server` first) with the Node flags and environment of
 * apps/server's `npm start` (see server-process.ts). Prints the process's resident memory when it listens and its peak when it stops.
 */
export async function startBenchServer({
  databaseUrl,
  env = {},
  exposeGc = false,
}: {
  /** Unset: the server runs on PGlite in its own data directory. */
  databaseUrl?: string;
  env?: Record<string, string>;
  exposeGc?: boolean;
}): Promise<BenchServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gapal-bench-'));
  const options: ServeOptions = {
    env: {
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      JWT_SECRET: BENCH_JWT_SECRET,
      ACCESS_TOKEN_TTL_SECONDS: '3600',
      GAPAL_DATA_DIR: dataDir,
      GAPAL_DEMO_DATA: 'false',
      LOG_LEVEL: 'silent',
      ...env,
    },
  };
  const build = serverBuild();
  const child: ChildProcess = fork(serverModule('serve', build), [JSON.stringify(options)], {
    env: { ...process.env, ...serverEnv(build) },
    execArgv: [
      ...serverExecArgv(build),
      ...(exposeGc ? ['--expose-gc'] : []),
      // BENCH_CPU_PROF=DIR: the server writes a V8 CPU profile there when it stops.
      ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
    ],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let resident: { listening: number; sampler: ReturnType<typeof sampleResident> } | undefined;
  const stop = async () => {
    if (resident) {
      const peak = resident.sampler.stop();
      console.log(
        `server process (${build}): resident ${megabytes(resident.listening)} listening, peak ${megabytes(peak)}`,
      );
    }
    if (child.connected) child.send({ id: 0, type: 'close' } satisfies BenchRequest);
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
    child.kill();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (message) => resolve((message as { port: number }).port));
      child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    });
    resident = { listening: residentBytes(child.pid!) ?? 0, sampler: sampleResident(child.pid!) };
    let nextId = 1;
    return {
      base: `http://127.0.0.1:${port}`,
      port,
      pid: child.pid!,
      stop,
      request: <T>(request: BenchRequest) =>
        new Promise<T>((resolve) => {
          const id = nextId++;
          const onMessage = (message: unknown) => {
            const reply = message as { id?: number; result?: T };
            if (reply.id !== id) return;
            child.off('message', onMessage);
            resolve(reply.result as T);
          };
          child.on('message', onMessage);
          child.send({ ...request, id });
        }),
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Starts the bench server, runs `fn` and stops the server whatever happens. */
export async function withBenchServer<T>(
  options: Parameters<typeof startBenchServer>[0],
  fn: (server: BenchServer) => Promise<T>,
): Promise<T> {
  const server = await startBenchServer(options);
  try {
    return await fn(server);
  } finally {
    await server.stop();
  }
}

/**
 * The usual bench: a throwaway database, the server on it, and a client to it for seeding and
 * checks; all closed and dropped at the end.
 */
export function withBench<T>(
  prefix: string,
  options: Omit<Parameters<typeof startBenchServer>[0], 'databaseUrl'>,
  fn: (bench: { server: BenchServer; db: pg.Client; url: string }) => Promise<T>,
): Promise<T> {
  return withBenchDatabase(prefix, ({ url }) =>
    withBenchServer({ ...options, databaseUrl: url }, (server) =>
      withClient(url, (db) => fn({ server, db, url })),
    ),
  );
}

/** The site bootstrap created (the only one in a bench database). */
export async function firstSiteId(db: pg.Client): Promise<string> {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM sites ORDER BY created_at LIMIT 1');
  return rows[0]!.id;
}

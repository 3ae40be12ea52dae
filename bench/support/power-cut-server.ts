/**
 * The power-cut script's server: a real Gapal server process on PostgreSQL that can be killed
 * with SIGKILL and started again on the same database, and the plain HTTP calls made to it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { type ServerBuild, serverBuild, serverEnv, serverExecArgv } from './server-process.ts';

// Answers are read field by field by the checks.
export type Json = any;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const ADMIN = { username: 'admin', password: 'power-cut-admin-password' };

export async function call(base: string, method: string, url: string, token?: string, body?: unknown) {
  const response = await fetch(`${base}${url}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Json) : null };
}

export async function ok(
  base: string,
  method: string,
  url: string,
  token?: string,
  body?: unknown,
  status = 200,
): Promise<Json> {
  const response = await call(base, method, url, token, body);
  if (response.status !== status) {
    throw new Error(`${method} ${url} answered ${response.status}: ${JSON.stringify(response.body)}`);
  }
  return response.body;
}

export async function login(base: string, username: string, password: string, deviceSerial?: string) {
  const body = await ok(base, 'POST', '/api/auth/login/', undefined, {
    username,
    password,
    ...(deviceSerial ? { device_serial: deviceSerial } : {}),
  });
  return { token: body.access_token as string, deviceId: body.user?.device_id as string | null };
}

/**
 * Starts the server on the database and waits until it answers ready: `src/server.ts` through tsx,
 * or compiled, `dist/server.js` (`build`, by default from `BENCH_SERVER`; see server-process.ts).
 */
export async function startServer(
  url: string,
  dataDir: string,
  port: number,
  build: ServerBuild = serverBuild(),
): Promise<ChildProcess> {
  const entry = build === 'compiled' ? 'dist/server.js' : 'src/server.ts';
  const child = spawn(process.execPath, [...serverExecArgv(build), entry], {
    cwd: path.join(root, 'apps/server'),
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      ...serverEnv(build),
      DATABASE_URL: url,
      PORT: String(port),
      HOST: '127.0.0.1',
      GAPAL_DATA_DIR: dataDir,
      GAPAL_DEMO_DATA: 'false',
      GAPAL_ADMIN_USERNAME: ADMIN.username,
      GAPAL_ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: 'warn',
      SYNC_RATE_LIMIT_PER_MINUTE: '100000',
      LOGIN_IP_MAX_PER_MINUTE: '100000',
      REDIS_URL: '',
    },
  });
  const until = Date.now() + 120_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode} while starting`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/api/ready/`)).ok) return child;
    } catch {
      // Not listening yet.
    }
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error('the server did not become ready');
}

/** SIGKILL: no graceful close, no flush; whatever was in flight is cut where it stood. */
export async function killServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGKILL');
  await exited;
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

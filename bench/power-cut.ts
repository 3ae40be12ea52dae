/**
 * Power cut: a real Gapal server on PostgreSQL is killed with SIGKILL while phones push orders
 * and a manager delivers them, then restarted; several times. After each restart:
 *   - every mutation the server acknowledged (applied) is there, exactly once;
 *   - the batches cut off in flight, pushed again with the same ids, are applied or duplicate,
 *     never a second order;
 *   - every acknowledged delivery is delivered; no order is half-written (no items, or a
 *     delivery without its stock movements, or movements without a delivery);
 *   - the stock ledger invariants hold (stock = movements = lots, chains unbroken, nothing < 0).
 *
 *   node scripts/with-postgres.mjs node --import tsx bench/power-cut.ts   (exits 1 on failure)
 * Env: DATABASE_URL (an admin URL; a database is created and dropped), POWER_CUT_ROUNDS (3; 1 with
 * BENCH_QUICK=1).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { openDatabase, selectRows } from '../apps/server/src/db/client.ts';
import { findLedgerProblems } from '../apps/server/src/ops/ledger-invariants.ts';
import { type BenchDatabase, benchSize, withBenchDatabase } from './support/bench-server.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const rounds = benchSize('POWER_CUT_ROUNDS', 3, 1);
const VENDORS = 6;
const ADMIN = { username: 'admin', password: 'power-cut-admin-password' };

type Json = any;
type Mutation = { id: string; seq: number; name: string; args: Json; client_time: string };
type Phone = { token: string; deviceId: string; nextSeq: number; inFlight: Mutation[] | null };

const acknowledged = { orders: new Map<string, string>(), deliveries: new Set<string>() };
let failures = 0;
const fail = (message: string, detail?: unknown) => {
  failures += 1;
  console.error(`  FAIL ${message}${detail === undefined ? '' : ` ${JSON.stringify(detail).slice(0, 500)}`}`);
};

async function main() {
  await withBenchDatabase('gapal_powercut', cutPowerRounds, adminUrl);
  if (failures > 0) {
    console.error(`Power cut: ${failures} failures`);
    process.exit(1);
  }
  console.log(
    `Power cut: OK (${acknowledged.orders.size} acknowledged orders, ${acknowledged.deliveries.size} acknowledged deliveries, nothing lost or doubled)`,
  );
}

async function cutPowerRounds({ name: database, url }: BenchDatabase) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gapal-powercut-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let server: ChildProcess | undefined;
  try {
    server = await startServer(url, dataDir, port);
    const setup = await prepare(base);
    console.log(
      `Power cut on ${database}: ${rounds} rounds, ${VENDORS} phones pushing, three manager sessions delivering`,
    );

    for (let round = 1; round <= rounds; round += 1) {
      const stop = { now: false };
      const load = [
        ...setup.phones.map((phone) => pushLoop(base, phone, setup.productIds, stop)),
        // Three delivery loops: deliveries (3 requests each) in flight when the power goes.
        ...[1, 2, 3].map(() => deliverLoop(base, setup.managerToken, stop)),
      ];
      // Cut at a random moment, once the load is well under way.
      await sleep(1500 + Math.floor(Math.random() * 2500));
      server.kill('SIGKILL');
      await new Promise((resolve) => server!.once('exit', resolve));
      stop.now = true;
      await Promise.all(load);
      const cutOff = setup.phones.filter((phone) => phone.inFlight).length;

      server = await startServer(url, dataDir, port);
      await resendInFlight(base, setup.phones);
      await verify(url, round, cutOff);
    }
  } finally {
    server?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Phones push small batches of new orders; a batch cut off by the kill stays `inFlight`. */
async function pushLoop(base: string, phone: Phone, productIds: string[], stop: { now: boolean }) {
  while (!stop.now && !phone.inFlight) {
    const batch: Mutation[] = [];
    const size = 1 + Math.floor(Math.random() * 4);
    for (let i = 0; i < size; i += 1) {
      batch.push({
        id: randomUUID(),
        seq: phone.nextSeq++,
        name: 'create_order',
        args: {
          local_id: randomUUID(),
          client_name: 'Client coupure',
          items: productIds.map((id, index) => ({ product_id: id, quantity: 1 + ((i + index) % 3) })),
        },
        client_time: new Date().toISOString(),
      });
    }
    phone.inFlight = batch;
    const response = await push(base, phone, batch).catch(() => null);
    if (!response) return; // The server died with this batch in flight: sent again after restart.
    phone.inFlight = null;
    record(batch, response);
  }
}

function record(batch: Mutation[], response: Json) {
  for (const result of response.results as Json[]) {
    const mutation = batch.find((candidate) => candidate.id === result.id);
    if (!mutation) continue;
    const applied =
      result.status === 'applied' || (result.status === 'duplicate' && result.original_status === 'applied');
    if (applied) acknowledged.orders.set(mutation.args.local_id, result.order?.id ?? '');
    else fail('a create_order mutation was not applied', result);
  }
}

const walked = new Set<string>();

/** The manager walks acknowledged orders to `livree`; only a 200 counts as acknowledged. */
async function deliverLoop(base: string, token: string, stop: { now: boolean }) {
  // An order cut off half-way through its walk is left where it stands (a later round would
  // get 409 for repeating a step); the checks still see whether its last step landed whole.
  const done = walked;
  while (!stop.now) {
    const next = [...acknowledged.orders.values()].find((id) => id && !done.has(id));
    if (!next) {
      await sleep(20);
      continue;
    }
    done.add(next);
    for (const status of ['en_preparation', 'en_cours', 'livree']) {
      const response = await call(base, 'PATCH', `/api/orders/${next}/status/`, token, { status }).catch(
        () => null,
      );
      if (!response) return;
      if (response.status !== 200) {
        fail(`moving an order to ${status} answered ${response.status}`, response.body);
        break;
      }
      if (status === 'livree') acknowledged.deliveries.add(next);
    }
  }
}

async function resendInFlight(base: string, phones: Phone[]) {
  for (const phone of phones) {
    if (!phone.inFlight) continue;
    const response = await push(base, phone, phone.inFlight);
    for (const result of response.results as Json[]) {
      if (result.status !== 'applied' && result.status !== 'duplicate') fail('a resent mutation', result);
    }
    record(phone.inFlight, response);
    phone.inFlight = null;
  }
}

async function verify(url: string, round: number, cutOff: number) {
  const database = await openDatabase({ kind: 'postgres', url, poolSize: 2 });
  try {
    const localIds = [...acknowledged.orders.keys()];
    const rows = await selectRows<{ local_id: string; n: number }>(
      database.db,
      sql`SELECT local_id, count(*)::int AS n FROM orders GROUP BY local_id`,
    );
    const present = new Map(rows.map((row) => [row.local_id, row.n]));
    const missing = localIds.filter((id) => !present.has(id));
    if (missing.length > 0) fail(`${missing.length} acknowledged orders are missing`, missing.slice(0, 5));
    const doubled = rows.filter((row) => row.n > 1);
    if (doubled.length > 0) fail('orders created twice', doubled.slice(0, 5));
    const delivered = await selectRows<{ id: string; delivery_status: string }>(
      database.db,
      sql`SELECT id, delivery_status FROM orders WHERE delivery_status = 'livree'`,
    );
    const deliveredIds = new Set(delivered.map((row) => row.id));
    const lostDeliveries = [...acknowledged.deliveries].filter((id) => !deliveredIds.has(id));
    if (lostDeliveries.length > 0)
      fail(`${lostDeliveries.length} acknowledged deliveries are lost`, lostDeliveries);
    const problems = await findLedgerProblems(database.db);
    if (problems.length > 0) fail('ledger or order invariants broken', problems.slice(0, 5));
    console.log(
      `  round ${round}: killed with ${cutOff} push batches in flight; ${acknowledged.orders.size} orders and ` +
        `${acknowledged.deliveries.size} deliveries acknowledged so far, all present; ${delivered.length} delivered; ledger OK`,
    );
  } finally {
    await database.close();
  }
}

async function prepare(base: string) {
  const adminToken = (await login(base, ADMIN.username, ADMIN.password)).token;
  const sites = await ok(base, 'GET', '/api/sites/', adminToken);
  const siteId = (sites.items ?? sites)[0].id as string;
  const password = 'power-cut-password';
  const user = (role: string, name: string) =>
    ok(
      base,
      'POST',
      '/api/users/',
      adminToken,
      { username: name, full_name: name, role, site_id: siteId, password },
      201,
    );
  await user('gestionnaire_stocks', 'stocks');
  await user('gestionnaire_commandes', 'commandes');
  const productIds: string[] = [];
  for (const name of ['Lait caillé', 'Yaourt nature', 'Dèguè']) {
    const product = await ok(
      base,
      'POST',
      '/api/products/',
      adminToken,
      { name, unit: 'pot', unit_price: 400, shelf_life_days: 20 },
      201,
    );
    productIds.push(product.id);
  }
  const stockToken = (await login(base, 'stocks', password)).token;
  await ok(
    base,
    'POST',
    '/api/stock/entry/',
    stockToken,
    { reference: 'BL-COUPURE', items: productIds.map((id) => ({ product_id: id, quantity: 1_000_000 })) },
    201,
  );
  const phones: Phone[] = [];
  for (let i = 1; i <= VENDORS; i += 1) {
    await user('vendeur', `vendeur${i}`);
    const session = await login(base, `vendeur${i}`, password, `PHONE-${i}`);
    phones.push({ token: session.token, deviceId: session.deviceId!, nextSeq: 1, inFlight: null });
  }
  return { phones, productIds, managerToken: (await login(base, 'commandes', password)).token };
}

function push(base: string, phone: Phone, mutations: Mutation[]) {
  return ok(base, 'POST', '/api/sync/push/', phone.token, {
    device_id: phone.deviceId,
    schema_version: 1,
    mutations,
  });
}

async function login(base: string, username: string, password: string, deviceSerial?: string) {
  const body = await ok(base, 'POST', '/api/auth/login/', undefined, {
    username,
    password,
    ...(deviceSerial ? { device_serial: deviceSerial } : {}),
  });
  return { token: body.access_token as string, deviceId: body.user?.device_id as string | null };
}

async function call(base: string, method: string, url: string, token?: string, body?: unknown) {
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

async function ok(base: string, method: string, url: string, token?: string, body?: unknown, status = 200) {
  const response = await call(base, method, url, token, body);
  if (response.status !== status) {
    throw new Error(`${method} ${url} answered ${response.status}: ${JSON.stringify(response.body)}`);
  }
  return response.body;
}

async function startServer(url: string, dataDir: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: path.join(root, 'apps/server'),
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
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
    await sleep(200);
  }
  child.kill('SIGKILL');
  throw new Error('the server did not become ready');
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

main().catch((error: unknown) => {
  console.error('Power cut FAILED:', error);
  process.exit(1);
});

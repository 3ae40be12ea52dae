/**
 * `npm run bench sync`: offline orders pushed per second through `POST /api/sync/push/`, sustained,
 * over real HTTP: 16 devices in parallel, batches of 20 orders of 3 items, on a large database
 * (issue #23), on the PostgreSQL in DATABASE_URL.
 *
 * The database first holds `BENCH_SEEDED_ORDERS` orders of history (500 000, the 16 phones'
 * vendors' own) with their items, payments, ledger and change log, loaded set-based in SQL
 * (bench/support/history-seed.ts); then VACUUM ANALYZE (skipped with `BENCH_NO_ANALYZE=1`) and a
 * new server process (bench/support/large-bench.ts). Each of `BENCH_RUNS` (3) runs pushes for
 * `BENCH_SECONDS` (20 s) after a warm-up not counted (`BENCH_WARM_UP_SECONDS`, 3 s); then
 * min / median / max of orders/s, batch latency, CPU and WAL per order and the server's memory,
 * and a check that every order is there once.
 *
 * Knobs: `BENCH_QUICK=1` (50 000 orders of history, 2 s windows, 1 run: a smoke run), `BENCH_SECONDS`,
 * `BENCH_WARM_UP_SECONDS`, `BENCH_RUNS`, `BENCH_SEEDED_ORDERS`, `BENCH_SYNC_POOL` (the server's
 * pool, 16), `BENCH_NO_ANALYZE=1`, `BENCH_SERVER=compiled`.
 */

import os from 'node:os';
import { uuidv7 } from '../packages/shared/src/uuid-v7.ts';
import { benchSigner, benchSize } from './support/bench-server.ts';
import { seedHistory, withBulkLoad } from './support/history-seed.ts';
import { httpCall } from './support/http-client.ts';
import { type LargeBench, NO_ANALYZE, withLargeBench } from './support/large-bench.ts';
import { loadAverage } from './support/stats.ts';
import { measureWindow, type Probe, RUNS, Runs, SECONDS, WARM_UP_SECONDS } from './support/sustained.ts';

const DEVICES = 16;
const BATCH = 20;
const ITEMS_PER_ORDER = 3;
const PRODUCTS = 200;
const SEEDED_ORDERS = benchSize('BENCH_SEEDED_ORDERS', 500_000, 50_000);
const POOL_SIZE = process.env.BENCH_SYNC_POOL ?? '16';
const START_LOAD = loadAverage();
const started = performance.now();

type Device = { id: string; userId: string; token: string; nextSeq: number };
type Prepared = { devices: Device[]; products: string[] };

console.log(
  `sync bench: ${SEEDED_ORDERS} orders of history, ${RUNS} run(s) of ${SECONDS} s, warm-ups ${WARM_UP_SECONDS} s, ` +
    `${NO_ANALYZE ? 'NO ANALYZE' : 'VACUUM ANALYZE'} after the load; load average at start ${START_LOAD}`,
);
await withLargeBench(
  'gapal_bench_sync',
  {
    env: {
      DATABASE_POOL_SIZE: POOL_SIZE,
      // The per-device limit protects a real server from a runaway phone; the bench is that phone.
      SYNC_RATE_LIMIT_PER_MINUTE: '100000',
    },
    prepare,
    load: (db, prepared, siteId) =>
      withBulkLoad(db, async () => {
        const seconds = await seedHistory(db, {
          siteId,
          vendorIds: prepared.devices.map((device) => device.userId),
          productIds: prepared.products,
          count: SEEDED_ORDERS,
        });
        console.log(`seeded ${SEEDED_ORDERS} orders of history in ${seconds.toFixed(0)} s`);
      }),
  },
  measureAll,
);
console.log(`whole bench ${((performance.now() - started) / 1000).toFixed(0)} s`);

async function prepare({ db, siteId }: LargeBench): Promise<Prepared> {
  const signer = benchSigner();
  const { rows: products } = await db.query<{ id: string }>(
    `INSERT INTO products (name, unit, unit_price, shelf_life_days)
     SELECT 'Produit ' || g, 'pot', 100 + (g % 20) * 25, 60 FROM generate_series(1, ${PRODUCTS}) g
     RETURNING id`,
  );
  // One vendor per phone, all at one site: they share the site's order-number counter.
  const devices: Device[] = [];
  for (let i = 0; i < DEVICES; i += 1) {
    const { rows: users } = await db.query<{ id: string }>(
      `INSERT INTO users (username, full_name, role, site_id, password_hash)
       VALUES ($1, $1, 'vendeur', $2, 'x') RETURNING id`,
      [`bench-sync-${i}`, siteId],
    );
    const userId = users[0]!.id;
    const { rows: rowsDevice } = await db.query<{ id: string }>(
      `INSERT INTO devices (serial, name, site_id, user_id) VALUES ($1, $1, $2, $3) RETURNING id`,
      [`BENCH-${i}`, siteId, userId],
    );
    const deviceId = rowsDevice[0]!.id;
    devices.push({
      id: deviceId,
      userId,
      token: await signer.signAccess({ userId, role: 'vendeur', siteId, deviceId }),
      nextSeq: 1,
    });
  }
  return { devices, products: products.map((p) => p.id) };
}

async function measureAll({ server, db }: LargeBench, { devices, products }: Prepared): Promise<void> {
  const { SYNC_SCHEMA_VERSION } = await import('../packages/shared/src/sync.ts');
  const probe: Probe = {
    db,
    serverCpu: () => server.request<number>({ type: 'cpu' }),
    serverPid: server.pid,
  };
  let pushed = 0;
  const pushBatch = async (client: number) => {
    const device = devices[client]!;
    const salt = device.nextSeq;
    const mutations = Array.from({ length: BATCH }, (_, k) => {
      const seq = device.nextSeq;
      device.nextSeq += 1;
      // Ids made as the phones make them (packages/sync-client): time-ordered UUIDs.
      return {
        id: uuidv7(),
        seq,
        name: 'create_order',
        client_time: new Date().toISOString(),
        args: {
          local_id: uuidv7(),
          client_name: `Client ${seq}`,
          client_phone: '+226 70 12 34 56',
          items: Array.from({ length: ITEMS_PER_ORDER }, (_, j) => ({
            product_id: products[(salt * 31 + client * 7 + k * 7 + j * 13) % PRODUCTS]!,
            quantity: 1 + j,
          })),
        },
      };
    });
    const { status, text } = await httpCall(server.base, device.token, 'POST', '/api/sync/push/', {
      device_id: device.id,
      schema_version: SYNC_SCHEMA_VERSION,
      mutations,
    });
    if (status !== 200) throw new Error(`push failed: ${status} ${text}`);
    const body = JSON.parse(text) as { results: { status: string }[] };
    const applied = body.results.filter((r) => r.status === 'applied').length;
    if (applied !== BATCH) throw new Error(`only ${applied} of ${BATCH} applied: ${text.slice(0, 300)}`);
    pushed += BATCH;
    return BATCH;
  };

  const runs = new Runs();
  for (let run = 1; run <= RUNS; run += 1) {
    console.log(`\nrun ${run} of ${RUNS}, load average ${loadAverage()}`);
    // Each window starts after a checkpoint, so each run pays the same full-page writes.
    await db.query('CHECKPOINT');
    const sample = await measureWindow(probe, { clients: DEVICES, operation: pushBatch });
    runs.add(
      `phone push (${DEVICES} devices, ${BATCH} orders × ${ITEMS_PER_ORDER} items)`,
      'write',
      'orders',
      sample,
      run,
    );
  }

  // Every pushed order exactly once, every device's sequence where it should be.
  const { rows: check } = await db.query<{
    orders: number;
    distinct_local: number;
    items: number;
    seqs: number;
  }>(
    `SELECT (SELECT count(*)::int FROM orders WHERE device_id IS NOT NULL) AS orders,
            (SELECT count(DISTINCT local_id)::int FROM orders WHERE device_id IS NOT NULL) AS distinct_local,
            (SELECT count(*)::int FROM order_items i JOIN orders o ON o.id = i.order_id
             WHERE o.device_id IS NOT NULL) AS items,
            (SELECT sum(last_seq)::int FROM devices) AS seqs`,
  );
  const row = check[0]!;
  if (row.orders !== pushed || row.distinct_local !== pushed || row.seqs !== pushed) {
    throw new Error(`integrity check failed: ${JSON.stringify(row)} (expected ${pushed})`);
  }
  if (row.items !== pushed * ITEMS_PER_ORDER) throw new Error(`items: ${row.items}`);

  const { rows: version } = await db.query<{ server_version: string }>('SHOW server_version');
  console.log(
    `\n${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, PostgreSQL ${version[0]!.server_version}, node ${process.version}; ` +
      `pool ${POOL_SIZE}; load average at start ${START_LOAD}, at end ${loadAverage()}; ${pushed} pushed orders checked (each once)`,
  );
  runs.print();
}

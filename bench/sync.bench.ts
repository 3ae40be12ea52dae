/**
 * `npm run bench sync`: offline orders pushed per second through `POST /api/sync/push/` over real
 * HTTP: 16 devices in parallel, batches of 20 orders of 3 items, on the PostgreSQL in DATABASE_URL.
 *
 * The server runs in a child process (one Fastify app, as in production) so the load generator
 * does not share its event loop. The bench creates its own database and drops it at the end.
 */

import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type pg from 'pg';
import { benchSigner, benchSize, firstSiteId, QUICK, withBench } from './support/bench-server.ts';
import { cpuMsSince, postgresCpu, postgresCpuSince } from './support/cpu.ts';
import { httpCall } from './support/http-client.ts';
import { percentile } from './support/stats.ts';

const DEVICES = 16;
const BATCH = 20;
const ITEMS_PER_ORDER = 3;
const PRODUCTS = 200;
const BATCHES_PER_DEVICE = benchSize('BENCH_SYNC_BATCHES', 60, 2); // 16 × 60 × 20 = 19 200 orders
const WARMUP_BATCHES = QUICK ? 1 : 5;
const POOL_SIZE = process.env.BENCH_SYNC_POOL ?? '16';

await withBench(
  'gapal_bench_sync',
  {
    env: {
      DATABASE_POOL_SIZE: POOL_SIZE,
      // The per-device limit protects a real server from a runaway phone; the bench is that phone.
      SYNC_RATE_LIMIT_PER_MINUTE: '100000',
    },
  },
  ({ server, db }) => run(server.base, db, () => server.request<number>({ type: 'cpu' })),
);

type Device = { id: string; token: string; nextSeq: number };

async function run(base: string, db: pg.Client, serverCpu: () => Promise<number>): Promise<void> {
  const { SYNC_SCHEMA_VERSION } = await import('../packages/shared/src/sync.ts');
  const signer = benchSigner();
  const siteId = await firstSiteId(db);
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
      token: await signer.signAccess({ userId, role: 'vendeur', siteId, deviceId }),
      nextSeq: 1,
    });
  }

  const pushBatch = async (device: Device, salt: number) => {
    const mutations = Array.from({ length: BATCH }, (_, k) => {
      const seq = device.nextSeq;
      device.nextSeq += 1;
      return {
        id: randomUUID(),
        seq,
        name: 'create_order',
        client_time: new Date().toISOString(),
        args: {
          local_id: randomUUID(),
          client_name: `Client ${seq}`,
          client_phone: '+226 70 12 34 56',
          items: Array.from({ length: ITEMS_PER_ORDER }, (_, j) => ({
            product_id: products[(salt * 31 + k * 7 + j * 13) % PRODUCTS]!.id,
            quantity: 1 + j,
          })),
        },
      };
    });
    const { status, text } = await httpCall(base, device.token, 'POST', '/api/sync/push/', {
      device_id: device.id,
      schema_version: SYNC_SCHEMA_VERSION,
      mutations,
    });
    if (status !== 200) throw new Error(`push failed: ${status} ${text}`);
    const body = JSON.parse(text) as { results: { status: string }[] };
    const applied = body.results.filter((r) => r.status === 'applied').length;
    if (applied !== BATCH) throw new Error(`only ${applied} of ${BATCH} applied: ${text.slice(0, 300)}`);
  };

  await Promise.all(
    devices.map(async (device, d) => {
      for (let b = 0; b < WARMUP_BATCHES; b += 1) await pushBatch(device, d * 1000 + b);
    }),
  );

  const latencies: number[] = [];
  const cpuBefore = {
    server: await serverCpu(),
    postgres: await postgresCpu(db),
    client: process.cpuUsage(),
  };
  const started = performance.now();
  await Promise.all(
    devices.map(async (device, d) => {
      for (let b = 0; b < BATCHES_PER_DEVICE; b += 1) {
        const t0 = performance.now();
        await pushBatch(device, d * 7 + b);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const orders = DEVICES * BATCHES_PER_DEVICE * BATCH;
  const cpuMs = {
    server: (await serverCpu()) - cpuBefore.server,
    postgres: await postgresCpuSince(db, cpuBefore.postgres),
    client: cpuMsSince(cpuBefore.client),
  };

  // Every order exactly once, every device's sequence where it should be.
  const { rows: check } = await db.query<{
    orders: number;
    distinct_local: number;
    items: number;
    seqs: number;
  }>(
    `SELECT (SELECT count(*)::int FROM orders) AS orders,
            (SELECT count(DISTINCT local_id)::int FROM orders) AS distinct_local,
            (SELECT count(*)::int FROM order_items) AS items,
            (SELECT sum(last_seq)::int FROM devices) AS seqs`,
  );
  const expectedTotal = DEVICES * (BATCHES_PER_DEVICE + WARMUP_BATCHES) * BATCH;
  const row = check[0]!;
  if (row.orders !== expectedTotal || row.distinct_local !== expectedTotal || row.seqs !== expectedTotal) {
    throw new Error(`integrity check failed: ${JSON.stringify(row)} (expected ${expectedTotal})`);
  }
  if (row.items !== expectedTotal * ITEMS_PER_ORDER) throw new Error(`items: ${row.items}`);

  const { rows: version } = await db.query<{ server_version: string }>('SHOW server_version');
  console.log(
    JSON.stringify(
      {
        benchmark: 'sync push',
        machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, PostgreSQL ${version[0]!.server_version}`,
        load_average: os
          .loadavg()
          .map((n) => Number(n.toFixed(1)))
          .join(' '),
        devices: DEVICES,
        batch: `${BATCH} orders × ${ITEMS_PER_ORDER} items`,
        pool: Number(POOL_SIZE),
        orders,
        seconds: Number(seconds.toFixed(2)),
        orders_per_second: Math.round(orders / seconds),
        // CPU spent per order, whatever else the machine was running: the figure to optimize.
        cpu_ms_per_order: {
          server: Number((cpuMs.server / orders).toFixed(3)),
          postgres: Number((cpuMs.postgres / orders).toFixed(3)),
          // The load generator shares the two cores: what it takes, the server can't have.
          bench_client: Number((cpuMs.client / orders).toFixed(3)),
        },
        batch_latency_ms: {
          p50: Math.round(percentile(latencies, 0.5)),
          p99: Math.round(percentile(latencies, 0.99)),
          max: Math.round(percentile(latencies, 1)),
        },
      },
      null,
      2,
    ),
  );
}

/**
 * `npm run bench orders`: order creation and delivery throughput, and the order list's latency on
 * a million orders, over real HTTP with 16 concurrent clients, on the PostgreSQL in DATABASE_URL.
 *
 * The server runs in a child process (one Fastify app, as in production) so the load generator
 * does not share its event loop. The bench creates its own database and drops it at the end.
 */

import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type pg from 'pg';
import { benchSigner, benchSize, firstSiteId, withBench } from './support/bench-server.ts';
import { cpuMsSince, postgresCpu, postgresCpuSince } from './support/cpu.ts';
import { httpCall } from './support/http-client.ts';
import { explainPlans } from './support/order-list-plans.ts';
import { ITEMS_PER_ORDER, pickProducts, seedDeliverableOrders, seedOrders } from './support/order-seed.ts';
import { loadAverage, percentile } from './support/stats.ts';

const CLIENTS = 16;
const PRODUCTS = 200;
const ORDERS_PER_CLIENT = benchSize('BENCH_ORDERS_PER_CLIENT', 300, 5); // created, then delivered
const SEEDED_ORDERS = benchSize('BENCH_SEEDED_ORDERS', 1_000_000, 1_000);
const LIST_REQUESTS_PER_CLIENT = benchSize('BENCH_LIST_REQUESTS_PER_CLIENT', 150, 3);
const DELIVERY_WARM_UP_PER_CLIENT = benchSize('BENCH_DELIVERY_WARM_UP_PER_CLIENT', 300, 5);
const START_LOAD = loadAverage();

await withBench('gapal_bench_orders', { env: { DATABASE_POOL_SIZE: '20' } }, async ({ server, db }) =>
  printResults(await run(server.base, db, () => server.request<number>({ type: 'cpu' }))),
);

type Results = {
  created: Throughput;
  /** The deliveries that warmed the server up, not counted in `delivered`. */
  warmUp: Throughput;
  delivered: Throughput;
  lists: { label: string; latency: Latency }[];
  plans: { label: string; plan: string }[];
  seedSeconds: number;
  environment: { postgres: string };
};
type Throughput = {
  count: number;
  seconds: number;
  perSecond: number;
  failures: number;
  /** CPU per operation (ms): the server process, the PostgreSQL backends, this load generator. */
  cpu: { server: number; postgres: number; client: number };
};
type Latency = {
  count: number;
  p50: number;
  p99: number;
  max: number;
  failures: number;
  /** CPU per request (ms), as for throughput; absent for the warm-up. */
  cpu?: Throughput['cpu'];
};

async function run(base: string, db: pg.Client, serverCpu: () => Promise<number>): Promise<Results> {
  const throughput = (work: (client: number) => Promise<number>) => measure(db, serverCpu, work);
  const signer = benchSigner();
  const siteId = await firstSiteId(db);

  // Users straight in the table (the password is never used: tokens are signed here).
  const makeUser = async (role: string, username: string) => {
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO users (username, full_name, role, site_id, password_hash)
       VALUES ($1, $1, $2, $3, 'x') RETURNING id`,
      [username, role, siteId],
    );
    const id = rows[0]!.id;
    return {
      id,
      token: await signer.signAccess({ userId: id, role: role as never, siteId, deviceId: null }),
    };
  };
  // One after the other: a pg.Client runs one query at a time.
  const vendors: { id: string; token: string }[] = [];
  for (let i = 0; i < CLIENTS; i += 1) vendors.push(await makeUser('vendeur', `bench-v${i}`));
  const manager = await makeUser('gestionnaire_commandes', 'bench-manager');
  const stocker = await makeUser('gestionnaire_stocks', 'bench-stocker');
  const admin = await makeUser('admin', 'bench-admin');
  // A vendor who has just started: three orders among the million.
  const newcomer = await makeUser('vendeur', 'bench-newcomer');

  const { rows: products } = await db.query<{ id: string }>(
    `INSERT INTO products (name, unit, unit_price, shelf_life_days)
     SELECT 'Produit ' || g, 'pot', 100 + (g % 20) * 25, 60 FROM generate_series(1, ${PRODUCTS}) g
     RETURNING id`,
  );
  // Plenty of stock, received through the real ledger endpoint.
  const entry = await httpCall(base, stocker.token, 'POST', '/api/stock/entry/', {
    items: products.map((p) => ({ product_id: p.id, quantity: 1_000_000 })),
  });
  if (entry.status !== 201) throw new Error(`stock entry failed: ${entry.status} ${entry.text}`);

  // --- orders created per second
  const createdIds: string[][] = vendors.map(() => []);
  const created = await throughput(async (client) => {
    const vendor = vendors[client]!;
    for (let i = 0; i < ORDERS_PER_CLIENT; i += 1) {
      const response = await httpCall(base, vendor.token, 'POST', '/api/orders/', {
        local_id: randomUUID(),
        client_name: `Client ${client}-${i}`,
        client_phone: '+226 70 12 34 56',
        items: pickProducts(products, client * 7919 + i).map((id, k) => ({
          product_id: id,
          quantity: 1 + k,
        })),
      });
      if (response.status !== 201) throw new Error(`create failed: ${response.status} ${response.text}`);
      createdIds[client]!.push(JSON.parse(response.text).id);
    }
    return ORDERS_PER_CLIENT;
  });

  // The way to `en_cours` is not what is measured: set it directly.
  await db.query(`UPDATE orders SET delivery_status = 'en_cours', version = 3`);

  // --- deliveries per second (3 items each, over 200 products)
  const deliverAll = (ids: string[][]) =>
    throughput(async (client) => {
      for (const id of ids[client]!) {
        const response = await httpCall(base, manager.token, 'PATCH', `/api/orders/${id}/status/`, {
          status: 'livree',
        });
        if (response.status !== 200) throw new Error(`delivery failed: ${response.status} ${response.text}`);
      }
      return ids[client]!.length;
    });
  // Warm up the way a running server is warm: V8 optimizes the delivery path only after some
  // thousands of requests (a cold server's first 4 800 deliveries cost it about 0.65 ms of CPU
  // each, the next 4 800 about 0.45 ms: bench/RESULTS.md, eighth session). Orders of the same
  // shape, seeded in SQL, delivered and not measured; then the creations' dirty pages are
  // written out, so their checkpoint does not land in the measurement.
  const warmUpIds = await seedDeliverableOrders(db, {
    siteId,
    vendorIds: vendors.map((vendor) => vendor.id),
    products,
    clients: CLIENTS,
    perClient: DELIVERY_WARM_UP_PER_CLIENT,
  });
  const warmUp = await deliverAll(warmUpIds);
  await db.query('VACUUM ANALYZE orders');
  await db.query('CHECKPOINT');
  const delivered = await deliverAll(createdIds);
  const { rows: ledgerCheck } = await db.query<{ n: number }>(
    `SELECT count(DISTINCT order_id)::int AS n FROM stock_movements WHERE type = 'vente'`,
  );
  if (ledgerCheck[0]!.n !== CLIENTS * (ORDERS_PER_CLIENT + DELIVERY_WARM_UP_PER_CLIENT))
    throw new Error('not every order was delivered once');

  // --- a million orders, seeded in SQL (not through the API)
  const seedStarted = performance.now();
  await db.query(
    `INSERT INTO orders (local_id, number, site_id, created_by, client_name, priority, delivery_status,
       payment_status, total_amount, paid_amount)
     SELECT gen_random_uuid(), 'NEW-' || g, $1, $2, 'Client ' || g, 'moyenne', 'nouvelle', 'non_payee', 1000, 0
     FROM generate_series(1, 3) g`,
    [siteId, newcomer.id],
  );
  await seedOrders(db, { siteId, vendorIds: vendors.map((v) => v.id), count: SEEDED_ORDERS });
  const seedSeconds = (performance.now() - seedStarted) / 1000;

  const listCases: { label: string; token: string; query: string }[] = [
    { label: 'default view (manager: site, newest first, 50)', token: manager.token, query: '' },
    {
      label: 'status filter delivery_status=nouvelle',
      token: manager.token,
      query: 'delivery_status=nouvelle',
    },
    {
      label: 'status filter delivery_status=en_cours',
      token: manager.token,
      query: 'delivery_status=en_cours',
    },
    { label: 'admin, every site', token: admin.token, query: '' },
    { label: 'vendor (own orders)', token: vendors[3]!.token, query: '' },
    { label: 'vendor with 3 orders', token: newcomer.token, query: '' },
    { label: 'payment_status=partielle', token: manager.token, query: 'payment_status=partielle' },
    { label: 'priority=haute', token: manager.token, query: 'priority=haute' },
    { label: 'sort=total_amount', token: manager.token, query: 'sort=total_amount' },
    {
      label: 'sort=delivery_date&direction=asc',
      token: manager.token,
      query: 'sort=delivery_date&direction=asc',
    },
  ];
  // Warm up the way a running server is warm: every pooled connection prepares each list's
  // statement on its first use and PostgreSQL settles on its plan after five runs, and V8
  // optimizes the path only after some thousands of requests (with 16 × 5 per case, the first
  // case measured still cost the server half as much CPU again as the later ones). So 16 clients
  // × 20 requests per case first, not measured.
  for (const item of listCases) await latency(base, item.token, `/api/orders/?${item.query}`, 20);
  // Latency with the CPU each process spent per request.
  const measured = (token: string, url: string, perClient?: number): Promise<Latency> =>
    withCpu(db, serverCpu, () => latency(base, token, url, perClient));
  const lists = [];
  for (const item of listCases) {
    lists.push({ label: item.label, latency: await measured(item.token, `/api/orders/?${item.query}`) });
  }
  // Page 2 of the default view through the cursor.
  const first = JSON.parse((await httpCall(base, manager.token, 'GET', '/api/orders/')).text);
  lists.push({
    label: 'default view, next page (cursor)',
    latency: await measured(manager.token, `/api/orders/?cursor=${first.next_cursor}`),
  });
  lists.push({
    label: 'count, status filter (GET /api/orders/count/?delivery_status=nouvelle)',
    latency: await measured(manager.token, '/api/orders/count/?delivery_status=nouvelle', 20),
  });

  const plans = await explainPlans(db, siteId, vendors[3]!.id, admin.id);
  const { rows: version } = await db.query<{ server_version: string }>('SHOW server_version');
  return {
    created,
    warmUp,
    delivered,
    lists,
    plans,
    seedSeconds,
    environment: { postgres: version[0]!.server_version },
  };
}

async function measure(
  db: pg.Client,
  serverCpu: () => Promise<number>,
  work: (client: number) => Promise<number>,
): Promise<Throughput> {
  return withCpu(db, serverCpu, async () => {
    const started = performance.now();
    const counts = await Promise.all(Array.from({ length: CLIENTS }, (_, client) => work(client)));
    const seconds = (performance.now() - started) / 1000;
    const count = counts.reduce((sum, n) => sum + n, 0);
    return { count, seconds, perSecond: count / seconds, failures: 0 };
  });
}

/** Runs `work`, then adds the CPU each process spent per operation it counted. */
async function withCpu<T extends { count: number }>(
  db: pg.Client,
  serverCpu: () => Promise<number>,
  work: () => Promise<T>,
): Promise<T & { cpu: Throughput['cpu'] }> {
  const before = { server: await serverCpu(), postgres: await postgresCpu(db), client: process.cpuUsage() };
  const result = await work();
  const cpu = {
    server: ((await serverCpu()) - before.server) / result.count,
    postgres: (await postgresCpuSince(db, before.postgres)) / result.count,
    client: cpuMsSince(before.client) / result.count,
  };
  return { ...result, cpu };
}

async function latency(
  base: string,
  token: string,
  url: string,
  perClient = LIST_REQUESTS_PER_CLIENT,
): Promise<Latency> {
  const samples: number[] = [];
  let failures = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (let i = 0; i < perClient; i += 1) {
        const started = performance.now();
        const response = await httpCall(base, token, 'GET', url);
        samples.push(performance.now() - started);
        if (response.status !== 200) failures += 1;
      }
    }),
  );
  return {
    count: samples.length,
    p50: percentile(samples, 0.5),
    p99: percentile(samples, 0.99),
    max: percentile(samples, 1),
    failures,
  };
}

function printResults(results: Results): void {
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  console.log(
    `PostgreSQL ${results.environment.postgres}, node ${process.version}, ${availableParallelism()} CPUs, ${CLIENTS} concurrent clients`,
  );
  console.log(`load average at start ${START_LOAD}, at end ${loadAverage()}`);
  const cpuText = (cpu: Throughput['cpu']) =>
    `server ${cpu.server.toFixed(2)} ms, PostgreSQL ${cpu.postgres.toFixed(2)} ms, load generator ${cpu.client.toFixed(2)} ms`;
  for (const [label, t] of [
    ['orders created', results.created],
    ['deliveries warming the server up (not measured)', results.warmUp],
    [`deliveries (${ITEMS_PER_ORDER} items, ${PRODUCTS} products)`, results.delivered],
  ] as const) {
    console.log(
      `${label}: ${t.perSecond.toFixed(0)}/s (${t.count} in ${t.seconds.toFixed(1)} s); CPU per operation: ${cpuText(t.cpu)}`,
    );
  }
  console.log(`seeded ${SEEDED_ORDERS} orders in ${results.seedSeconds.toFixed(0)} s`);
  for (const { label, latency } of results.lists) {
    console.log(
      `list ${label}: p50 ${ms(latency.p50)}, p99 ${ms(latency.p99)}, max ${ms(latency.max)} (${latency.count} requests, ${latency.failures} failed)` +
        (latency.cpu ? `; CPU per request: ${cpuText(latency.cpu)}` : ''),
    );
  }
  for (const { label, plan } of results.plans) console.log(`\n--- plan: ${label}\n${plan}`);
}

/**
 * `npm run bench orders`: deliveries per second and the order list's latency, sustained, over real
 * HTTP with 16 concurrent clients, on a large database (issue #23), on the PostgreSQL in
 * DATABASE_URL.
 *
 * The database first holds a year of history, loaded set-based in SQL (bench/support/history-seed.ts):
 * `BENCH_SEEDED_ORDERS` orders (1 000 000) with 3 items each, their payments, the ledger of what was
 * delivered and the change log; and, for the deliveries, stocks of orders ready to deliver, big
 * enough for every run at `BENCH_DELIVERY_RATE` (2 500/s). Then VACUUM ANALYZE (skipped with
 * `BENCH_NO_ANALYZE=1`) and a new server process (bench/support/large-bench.ts). Each run measures,
 * each after a warm-up not counted: deliveries of 3 items over 200 products, deliveries of 3 items
 * over 5 hot products (`BENCH_SECONDS`, 20 s each), then every order-list view, the search and the
 * count (`BENCH_LIST_SECONDS`, 3 s each); `BENCH_RUNS` (3) runs, then min / median / max, the
 * ledger checks, each index's use and the list's plans.
 *
 * Knobs: `BENCH_QUICK=1` (100 000 orders, 2 s windows, 1 run: a smoke run), `BENCH_SECONDS`,
 * `BENCH_WARM_UP_SECONDS` (3), `BENCH_RUNS`, `BENCH_LIST_SECONDS`, `BENCH_SEEDED_ORDERS`,
 * `BENCH_DELIVERY_RATE`, `BENCH_NO_ANALYZE=1`, `BENCH_SERVER=compiled`, `BENCH_POOL` (the server's
 * pool, 20).
 */

import { availableParallelism } from 'node:os';
import type pg from 'pg';
import { type BenchUser, benchSize, insertBenchUser } from './support/bench-server.ts';
import { checkLedger, seedDeliverable, seedHistory, withBulkLoad } from './support/history-seed.ts';
import { httpCall } from './support/http-client.ts';
import { type LargeBench, NO_ANALYZE, printIndexUse, withLargeBench } from './support/large-bench.ts';
import { explainPlans } from './support/order-list-plans.ts';
import { loadAverage } from './support/stats.ts';
import {
  FailedOperation,
  measureWindow,
  type Probe,
  RUNS,
  Runs,
  SECONDS,
  WARM_UP_SECONDS,
} from './support/sustained.ts';

const CLIENTS = 16;
const PRODUCTS = 200;
const HOT_PRODUCTS = 5;
const SEEDED_ORDERS = benchSize('BENCH_SEEDED_ORDERS', 1_000_000, 100_000);
const LIST_SECONDS = benchSize('BENCH_LIST_SECONDS', 3, 1);
const LIST_WARM_UP_SECONDS = Math.min(1, WARM_UP_SECONDS);
/** The deliveries each stock of orders must last for, per second, over every run and warm-up. */
const DELIVERY_RATE = benchSize('BENCH_DELIVERY_RATE', 2_500, 2_500);
/** The server's PostgreSQL pool (`DATABASE_POOL_SIZE`); the delivery queue has a connection of its own. */
const POOL_SIZE = process.env.BENCH_POOL ?? '20';
const DELIVERABLE = Math.ceil(RUNS * (SECONDS + WARM_UP_SECONDS) * DELIVERY_RATE);
const START_LOAD = loadAverage();
const started = performance.now();

type User = BenchUser;
type Prepared = {
  vendors: User[];
  manager: User;
  admin: User;
  newcomer: User;
  stocker: User;
  products: string[];
  spread: string[];
  hot: string[];
};

console.log(
  `orders bench: ${SEEDED_ORDERS} orders of history, ${DELIVERABLE} deliverable orders per delivery workload, ` +
    `${RUNS} run(s) of ${SECONDS} s (lists ${LIST_SECONDS} s each), warm-ups ${WARM_UP_SECONDS} s, ` +
    `${NO_ANALYZE ? 'NO ANALYZE' : 'VACUUM ANALYZE'} after the load; pool ${POOL_SIZE}; load average at start ${START_LOAD}`,
);
await withLargeBench(
  'gapal_bench_orders',
  { env: { DATABASE_POOL_SIZE: POOL_SIZE }, prepare, load },
  (bench, prepared) => measureAll(bench, prepared),
);
console.log(`whole bench ${((performance.now() - started) / 1000).toFixed(0)} s`);

async function prepare({ db, siteId }: LargeBench): Promise<Prepared> {
  const makeUser = (role: Parameters<typeof insertBenchUser>[2], username: string) =>
    insertBenchUser(db, siteId, role, username);
  const vendors: User[] = [];
  for (let i = 0; i < CLIENTS; i += 1) vendors.push(await makeUser('vendeur', `bench-v${i}`));
  const manager = await makeUser('gestionnaire_commandes', 'bench-manager');
  const stocker = await makeUser('gestionnaire_stocks', 'bench-stocker');
  const admin = await makeUser('admin', 'bench-admin');
  // A vendor who has just started: three orders among the million.
  const newcomer = await makeUser('vendeur', 'bench-newcomer');
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO products (name, unit, unit_price, shelf_life_days)
     SELECT 'Produit ' || g, 'pot', 100 + (g % 20) * 25, 60 FROM generate_series(1, ${PRODUCTS}) g
     RETURNING id`,
  );
  const products = rows.map((row) => row.id);
  return { vendors, manager, stocker, admin, newcomer, products, spread: [], hot: [] };
}

async function load(db: pg.Client, prepared: Prepared, siteId: string): Promise<void> {
  const vendorIds = prepared.vendors.map((vendor) => vendor.id);
  await withBulkLoad(db, async () => {
    const history = await seedHistory(db, {
      siteId,
      vendorIds,
      productIds: prepared.products,
      count: SEEDED_ORDERS,
    });
    await db.query(
      `INSERT INTO orders (local_id, number, site_id, created_by, client_name, priority, delivery_status,
       payment_status, total_amount, paid_amount)
     SELECT gen_random_uuid(), 'NEW-' || g, $1, $2, 'Client ' || g, 'moyenne', 'nouvelle', 'non_payee', 1000, 0
     FROM generate_series(1, 3) g`,
      [siteId, prepared.newcomer.id],
    );
    const deliverableStarted = performance.now();
    prepared.spread = await seedDeliverable(db, {
      siteId,
      vendorIds,
      productIds: prepared.products,
      count: DELIVERABLE,
      prefix: 'SPREAD',
    });
    prepared.hot = await seedDeliverable(db, {
      siteId,
      vendorIds,
      productIds: prepared.products.slice(0, HOT_PRODUCTS),
      count: DELIVERABLE,
      prefix: 'HOT',
    });
    console.log(
      `seeded ${SEEDED_ORDERS} orders of history in ${history.toFixed(0)} s, 2 × ${DELIVERABLE} deliverable orders in ${(
        (performance.now() - deliverableStarted) / 1000
      ).toFixed(0)} s`,
    );
  });
}

async function measureAll({ server, db, siteId }: LargeBench, prepared: Prepared): Promise<void> {
  const { manager, admin, newcomer, vendors, stocker } = prepared;
  const probe: Probe = {
    db,
    serverCpu: () => server.request<number>({ type: 'cpu' }),
    serverPid: server.pid,
  };
  // Plenty of stock, received through the real ledger endpoint.
  const entry = await httpCall(server.base, stocker.token, 'POST', '/api/stock/entry/', {
    items: prepared.products.map((id) => ({ product_id: id, quantity: 1_000_000 })),
  });
  if (entry.status !== 201) throw new Error(`stock entry failed: ${entry.status} ${entry.text}`);

  const delivered: string[] = [];
  const deliveries = (ids: string[]) => {
    let next = 0;
    return async () => {
      if (next >= ids.length) return null;
      const id = ids[next++]!;
      const response = await httpCall(server.base, manager.token, 'PATCH', `/api/orders/${id}/status/`, {
        status: 'livree',
      });
      if (response.status !== 200) throw new Error(`delivery failed: ${response.status} ${response.text}`);
      delivered.push(id);
      return 1;
    };
  };
  const spread = deliveries(prepared.spread);
  const hot = deliveries(prepared.hot);

  const listCases: { label: string; token: string; url: string }[] = [
    { label: 'default view (manager: site, newest first, 50)', token: manager.token, url: '' },
    { label: 'delivery_status=nouvelle', token: manager.token, url: 'delivery_status=nouvelle' },
    { label: 'delivery_status=en_cours', token: manager.token, url: 'delivery_status=en_cours' },
    { label: 'admin, every site', token: admin.token, url: '' },
    { label: 'vendor (own orders)', token: vendors[3]!.token, url: '' },
    { label: 'vendor with 3 orders', token: newcomer.token, url: '' },
    { label: 'payment_status=partielle', token: manager.token, url: 'payment_status=partielle' },
    { label: 'priority=haute', token: manager.token, url: 'priority=haute' },
    { label: 'sort=total_amount', token: manager.token, url: 'sort=total_amount' },
    {
      label: 'sort=delivery_date&direction=asc',
      token: manager.token,
      url: 'sort=delivery_date&direction=asc',
    },
    { label: 'search=Client 1234', token: manager.token, url: 'search=Client%201234' },
  ].map((c) => ({ ...c, url: `/api/orders/?${c.url}` }));
  const first = JSON.parse((await httpCall(server.base, manager.token, 'GET', '/api/orders/')).text);
  listCases.push(
    {
      label: 'default view, next page (cursor)',
      token: manager.token,
      url: `/api/orders/?cursor=${first.next_cursor}`,
    },
    {
      label: 'count delivery_status=nouvelle',
      token: manager.token,
      url: '/api/orders/count/?delivery_status=nouvelle',
    },
    {
      label: 'count search=Client 1234',
      token: manager.token,
      url: '/api/orders/count/?search=Client%201234',
    },
  );
  const list = (token: string, url: string) => async () => {
    const response = await httpCall(server.base, token, 'GET', url);
    if (response.status !== 200) throw new FailedOperation(`${url}: ${response.status}`);
    return 1;
  };

  const runs = new Runs();
  for (let run = 1; run <= RUNS; run += 1) {
    console.log(`\nrun ${run} of ${RUNS}, load average ${loadAverage()}`);
    for (const [label, operation] of [
      ['deliveries, 3 items over 200 products', spread],
      [`deliveries, 3 items over ${HOT_PRODUCTS} hot products`, hot],
    ] as const) {
      // Each write window starts after a checkpoint, so each run pays the same full-page writes.
      await db.query('CHECKPOINT');
      runs.add(label, 'write', 'orders', await measureWindow(probe, { clients: CLIENTS, operation }), run);
    }
    for (const item of listCases) {
      const sample = await measureWindow(probe, {
        clients: CLIENTS,
        seconds: LIST_SECONDS,
        warmUpSeconds: LIST_WARM_UP_SECONDS,
        operation: list(item.token, item.url),
      });
      runs.add(`list ${item.label}`, 'read', 'req', sample, run);
    }
  }

  // Every order delivered once, its three lines out of the ledger; the ledger agrees with itself.
  const { rows: check } = await db.query<{
    orders: number;
    livree: number;
    movements: number;
    units: number;
  }>(
    `SELECT count(DISTINCT m.order_id)::int AS orders, count(*)::int AS movements, coalesce(-sum(m.quantity), 0)::int AS units,
       (SELECT count(*)::int FROM orders WHERE id = ANY($1::uuid[]) AND delivery_status = 'livree') AS livree
     FROM stock_movements m WHERE m.type = 'vente' AND m.order_id = ANY($1::uuid[])`,
    [delivered],
  );
  const c = check[0]!;
  if (c.orders !== delivered.length || c.livree !== delivered.length || c.units !== 6 * delivered.length)
    throw new Error(`delivery check failed: ${JSON.stringify(c)} for ${delivered.length} deliveries`);
  await checkLedger(db);

  const { rows: version } = await db.query<{ server_version: string }>('SHOW server_version');
  console.log(
    `\nPostgreSQL ${version[0]!.server_version}, node ${process.version}, ${availableParallelism()} CPUs, ${CLIENTS} concurrent clients; ` +
      `load average at start ${START_LOAD}, at end ${loadAverage()}; ${delivered.length} deliveries checked (each once, ledger consistent)`,
  );
  runs.print();
  await printIndexUse(db, ['orders', 'order_items', 'stock_movements', 'sync_changes']);
  // The plans come from the list's own statement builders: a change to them in progress elsewhere
  // must not lose the figures above.
  try {
    for (const { label, plan } of await explainPlans(db, siteId, vendors[3]!.id, admin.id))
      console.log(`\n--- plan: ${label}\n${plan}`);
  } catch (error) {
    console.log(`\nplans not printed: ${(error as Error).message}`);
  }
}

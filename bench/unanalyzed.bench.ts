/**
 * `npm run bench unanalyzed`: deliveries on a database just bulk-loaded, before any ANALYZE, against
 * the same after ANALYZE (issue #23: plans must not depend on lucky statistics).
 *
 * A first server process migrates the database and receives the stock; then `BENCH_SEEDED_ORDERS`
 * orders (500 000) with 3 items each, and the orders to deliver, are loaded in SQL with no VACUUM
 * or ANALYZE (autovacuum aside: it is off on the bench machine, and a server may meet a load before
 * it runs). Without statistics, the planner takes 0.5 % of order_items for one order's items. A new
 * server process delivers a warm-up share, then the measured share (16 clients); the database is
 * analyzed, and another new process does the same on orders of the same shape. Each phase prints
 * deliveries/s and the CPU per delivery of the server and of PostgreSQL.
 */
import type pg from 'pg';
import {
  benchSize,
  firstSiteId,
  insertBenchUser,
  withBenchDatabase,
  withBenchServer,
  withClient,
} from './support/bench-server.ts';
import { cpuMsSince, postgresCpu, postgresCpuSince } from './support/cpu.ts';
import { httpCall } from './support/http-client.ts';
import { seedDeliverableOrders, seedOrders } from './support/order-seed.ts';
import { loadAverage } from './support/stats.ts';

const CLIENTS = 16;
const PRODUCTS = 200;
const SEEDED_ORDERS = benchSize('BENCH_SEEDED_ORDERS', 500_000, 1_000);
const WARM_UP_PER_CLIENT = benchSize('BENCH_DELIVERY_WARM_UP_PER_CLIENT', 200, 5);
const PER_CLIENT = benchSize('BENCH_ORDERS_PER_CLIENT', 400, 5);
const PHASES = ['unanalyzed', 'analyzed'] as const;

console.log(`load average at start ${loadAverage()}`);
await withBenchDatabase('gapal_bench_unanalyzed', async ({ url }) => {
  const setUp = await withBenchServer({ databaseUrl: url }, (server) =>
    withClient(url, async (db) => {
      const siteId = await firstSiteId(db);
      const makeUser = (role: Parameters<typeof insertBenchUser>[2], username: string) =>
        insertBenchUser(db, siteId, role, username);
      const vendorIds: string[] = [];
      for (let i = 0; i < CLIENTS; i += 1) vendorIds.push((await makeUser('vendeur', `bench-v${i}`)).id);
      const manager = await makeUser('gestionnaire_commandes', 'bench-manager');
      const stocker = await makeUser('gestionnaire_stocks', 'bench-stocker');
      const { rows: products } = await db.query<{ id: string }>(
        `INSERT INTO products (name, unit, unit_price, shelf_life_days)
         SELECT 'Produit ' || g, 'pot', 100 + (g % 20) * 25, 60 FROM generate_series(1, ${PRODUCTS}) g
         RETURNING id`,
      );
      const entry = await httpCall(server.base, stocker.token, 'POST', '/api/stock/entry/', {
        items: products.map((p) => ({ product_id: p.id, quantity: 1_000_000 })),
      });
      if (entry.status !== 201) throw new Error(`stock entry failed: ${entry.status} ${entry.text}`);
      return { siteId, vendorIds, manager, products };
    }),
  );

  // The bulk load: no VACUUM, no ANALYZE.
  const loaded = await withClient(url, async (db) => {
    const started = performance.now();
    await seedOrders(db, {
      siteId: setUp.siteId,
      vendorIds: setUp.vendorIds,
      count: SEEDED_ORDERS,
      analyze: false,
    });
    // Their items, three distinct products each (67 apart among 200), as a restore writes them.
    await db.query('SET session_replication_role = replica');
    await db.query(
      `INSERT INTO order_items (order_id, product_id, quantity, unit_price, subtotal)
       SELECT o.id, ($1::uuid[])[1 + (abs(hashtext(o.number)::bigint) + k * 67) % ${PRODUCTS}], k, 100, 100 * k
       FROM orders o, generate_series(1, 3) k WHERE o.number LIKE 'SEED-%'`,
      [setUp.products.map((p) => p.id)],
    );
    await db.query('SET session_replication_role = DEFAULT');
    const toDeliver = [];
    for (const phase of PHASES) {
      const seeded = await seedDeliverableOrders(db, {
        siteId: setUp.siteId,
        vendorIds: setUp.vendorIds,
        products: setUp.products,
        clients: CLIENTS,
        perClient: WARM_UP_PER_CLIENT + PER_CLIENT,
      });
      // Distinct numbers per phase (the seed numbers its orders WARM-n from 1).
      await db.query(`UPDATE orders SET number = $1 || number WHERE id = ANY($2::uuid[])`, [
        `${phase}-`,
        seeded.flat(),
      ]);
      toDeliver.push(seeded);
    }
    await db.query('CHECKPOINT');
    console.log(
      `loaded ${SEEDED_ORDERS} orders and ${2 * CLIENTS * (WARM_UP_PER_CLIENT + PER_CLIENT)} to deliver in ${((performance.now() - started) / 1000).toFixed(0)} s`,
    );
    return toDeliver;
  });

  for (const [p, phase] of PHASES.entries()) {
    if (phase === 'analyzed') await withClient(url, (db) => db.query('ANALYZE'));
    await withBenchServer({ databaseUrl: url, env: { DATABASE_POOL_SIZE: '20' } }, (server) =>
      withClient(url, async (db) => {
        const ids = loaded[p]!;
        const deliver = (slice: (orders: string[]) => string[]) =>
          Promise.all(
            ids.map(async (orders) => {
              for (const id of slice(orders)) {
                const response = await httpCall(
                  server.base,
                  setUp.manager.token,
                  'PATCH',
                  `/api/orders/${id}/status/`,
                  {
                    status: 'livree',
                  },
                );
                if (response.status !== 200)
                  throw new Error(`delivery failed: ${response.status} ${response.text}`);
              }
            }),
          );
        await deliver((orders) => orders.slice(0, WARM_UP_PER_CLIENT));
        const before = {
          server: await server.request<number>({ type: 'cpu' }),
          postgres: await postgresCpu(db as pg.Client),
          client: process.cpuUsage(),
        };
        const started = performance.now();
        await deliver((orders) => orders.slice(WARM_UP_PER_CLIENT));
        const seconds = (performance.now() - started) / 1000;
        const count = CLIENTS * PER_CLIENT;
        const serverCpu = ((await server.request<number>({ type: 'cpu' })) - before.server) / count;
        const postgres = (await postgresCpuSince(db, before.postgres)) / count;
        console.log(
          `${phase}: new server process, ${(count / seconds).toFixed(0)} deliveries/s (${count} in ${seconds.toFixed(1)} s, after ${CLIENTS * WARM_UP_PER_CLIENT} not measured); CPU per delivery: server ${serverCpu.toFixed(2)} ms, PostgreSQL ${postgres.toFixed(2)} ms, load generator ${(cpuMsSince(before.client) / count).toFixed(2)} ms; load ${loadAverage()}`,
        );
      }),
    );
  }
});

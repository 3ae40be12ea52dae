/**
 * The orders bench's data written straight in SQL (bench/orders.bench.ts): what is not measured
 * is seeded, not created through the API.
 */
import type pg from 'pg';

export const ITEMS_PER_ORDER = 3;

/**
 * Three distinct products, uniformly over the catalog, the same for the same seed (mulberry32:
 * an LCG's low bits, taken modulo 200, would make a few products ten times hotter than others).
 */
export function pickProducts(products: { id: string }[], seed: number): string[] {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const picked = new Set<string>();
  while (picked.size < ITEMS_PER_ORDER) picked.add(products[Math.floor(next() * products.length)]!.id);
  return [...picked];
}

/**
 * `perClient` orders for each of `clients`, as the orders bench creates them through the API
 * (`ITEMS_PER_ORDER` products, the k-th line k units, spread over the vendors so no vendor's list
 * is skewed) but written in SQL, already `en_cours`; their ids, by client.
 */
export async function seedDeliverableOrders(
  db: pg.Client,
  {
    siteId,
    vendorIds,
    products,
    clients,
    perClient,
  }: {
    siteId: string;
    vendorIds: string[];
    products: { id: string }[];
    clients: number;
    perClient: number;
  },
): Promise<string[][]> {
  const count = clients * perClient;
  const lines = Array.from({ length: count }, (_, i) => pickProducts(products, 1_000_003 + i * 7919));
  const { rows } = await db.query<{ id: string }>(
    `WITH seeded AS (
       INSERT INTO orders (local_id, number, site_id, created_by, client_name, client_phone, priority,
         delivery_status, payment_status, total_amount, paid_amount, version)
       SELECT gen_random_uuid(), 'WARM-' || g, $1, ($2::uuid[])[1 + g % ${vendorIds.length}], 'Client ' || g, '+226 70 12 34 56', 'moyenne',
         'en_cours', 'non_payee', 600, 0, 3
       FROM generate_series(1, $3::int) g
       RETURNING id, substr(number, 6)::int AS g
     ), lines AS (
       INSERT INTO order_items (order_id, product_id, quantity, unit_price, subtotal)
       SELECT s.id, ($4::uuid[])[(s.g - 1) * ${ITEMS_PER_ORDER} + k], k, 100, 100 * k
       FROM seeded s, generate_series(1, ${ITEMS_PER_ORDER}) k
     )
     SELECT id FROM seeded ORDER BY g`,
    [siteId, vendorIds, count, lines.flat()],
  );
  return Array.from({ length: clients }, (_, client) =>
    rows.slice(client * perClient, (client + 1) * perClient).map((row) => row.id),
  );
}

/**
 * A year of orders for one site: most delivered, some new or on the way, a few cancelled;
 * triggers (foreign keys, the sync change log) are off during the load, as for a restore.
 * `analyze: false` leaves the table as a bulk load leaves it, neither vacuumed nor analyzed (no
 * statistics), as the server meets it before any VACUUM or ANALYZE (bench/unanalyzed.bench.ts).
 */
export async function seedOrders(
  db: pg.Client,
  {
    siteId,
    vendorIds,
    count,
    analyze = true,
  }: { siteId: string; vendorIds: string[]; count: number; analyze?: boolean },
): Promise<void> {
  await db.query('SET session_replication_role = replica');
  await db.query(
    `INSERT INTO orders (id, local_id, number, site_id, created_by, client_name, client_phone, delivery_address,
       delivery_date, priority, delivery_status, payment_status, total_amount, paid_amount, version,
       delivered_at, cancelled_at, created_at, updated_at)
     SELECT gen_random_uuid(), gen_random_uuid(), 'SEED-' || g, $1, ($2::uuid[])[1 + g % $3],
       'Client ' || (g % 20000), '+226 70' || lpad((g % 1000000)::text, 6, '0'), 'Secteur ' || (g % 30),
       (ts + interval '1 day')::date,
       (ARRAY['basse','moyenne','haute'])[1 + g % 3]::priority,
       st::delivery_status,
       (CASE WHEN st = 'livree' THEN 'payee' WHEN g % 7 = 0 THEN 'partielle' ELSE 'non_payee' END)::payment_status,
       amount,
       CASE WHEN st = 'livree' THEN amount WHEN g % 7 = 0 THEN amount / 2 ELSE 0 END,
       1, CASE WHEN st = 'livree' THEN ts + interval '1 day' END,
       CASE WHEN st = 'annulee' THEN ts + interval '1 hour' END, ts, ts
     FROM (
       SELECT g, now() - interval '1 day' - g * interval '31 seconds' AS ts, 1000 + (g % 50) * 500 AS amount,
         CASE WHEN g % 100 < 70 THEN 'livree' WHEN g % 100 < 75 THEN 'annulee' WHEN g % 100 < 85 THEN 'nouvelle'
              WHEN g % 100 < 93 THEN 'en_preparation' ELSE 'en_cours' END AS st
       FROM generate_series(1, ${count}) g
     ) seed`,
    [siteId, vendorIds, vendorIds.length],
  );
  await db.query('SET session_replication_role = DEFAULT');
  if (analyze) await db.query('VACUUM ANALYZE orders');
  // Write the load's dirty pages out now, so the checkpoint it causes does not run during the
  // list measurements (a running server is not in the middle of a million-row load).
  await db.query('CHECKPOINT');
}

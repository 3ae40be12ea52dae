/**
 * A site's history written set-based in SQL before a bench measures anything (issue #23: the
 * benches run on a database that already holds a realistic amount of data): a year of orders
 * with their items, their payments, the stock ledger of what was delivered and the sync change
 * log; and stocks of orders ready to deliver. Nothing here goes through the API.
 */
import type pg from 'pg';

export const HISTORY_ITEMS_PER_ORDER = 3;

/**
 * Three distinct products among `n` for row `g` (SQL, 1-based array positions): `a`, `a + s`,
 * `a + 2s` modulo `n` with `0 < s ≤ (n − 1) / 3` (so `2s < n`: three distinct products), from a
 * multiplicative hash of `g`: `n` = 200 takes `s` in 1–66, `n` = 5 takes 1.
 */
function productSql(g: string, k: string, n: number): string {
  const hash = `((${g})::bigint * 2654435761 % 4294967296)`;
  const step = `(1 + (${hash} / ${n}) % ${Math.max(1, Math.floor((n - 1) / 3))})`;
  return `(1 + (${hash} % ${n} + (${k} - 1) * ${step}) % ${n})`;
}

/**
 * Runs `load` as a restore would: triggers and foreign keys off (`session_replication_role`), and
 * the plain indexes of the big tables built after their rows rather than row by row (unique and
 * primary keys stay: foreign keys need them). Prints how long each part took.
 */
export async function withBulkLoad(db: pg.Client, load: () => Promise<void>): Promise<void> {
  const started = performance.now();
  await db.query('SET session_replication_role = replica');
  try {
    const deferred = await dropPlainIndexes(db, HISTORY_TABLES);
    try {
      await load();
    } finally {
      const loaded = performance.now();
      await db.query(`SET maintenance_work_mem = '256MB'`);
      for (const definition of deferred) await db.query(definition);
      await db.query('RESET maintenance_work_mem');
      console.log(
        `bulk load: rows ${((loaded - started) / 1000).toFixed(0)} s, ${deferred.length} indexes built ${((performance.now() - loaded) / 1000).toFixed(0)} s`,
      );
    }
  } finally {
    await db.query('SET session_replication_role = DEFAULT');
  }
}

/**
 * `count` orders over one site and a year (70 % delivered and paid, 5 % cancelled, 10 % new, the
 * rest being prepared or on the way; 1 in 7 undelivered ones half paid), 3 items each over
 * `productIds`; a payment for each paid order; for each delivered item a sale in the stock ledger
 * (after one receipt per product, into a lot per product that the sales empty, so the ledger,
 * the lots and the levels agree); one change-log row per order. Run inside `withBulkLoad`. No
 * VACUUM or ANALYZE: the caller decides. Returns the seconds it took.
 */
export async function seedHistory(
  db: pg.Client,
  {
    siteId,
    vendorIds,
    productIds,
    count,
  }: { siteId: string; vendorIds: string[]; productIds: string[]; count: number },
): Promise<number> {
  const started = performance.now();
  const n = productIds.length;
  const product = (k: number) => productSql('g', String(k), n);
  const steps: string[] = [];
  let stepStarted = performance.now();
  const step = (name: string) => {
    const now = performance.now();
    steps.push(`${name} ${((now - stepStarted) / 1000).toFixed(1)} s`);
    stepStarted = now;
  };
  {
    // One lot per product for the history, emptied by its sales, and the level it leaves (0).
    await db.query(
      `INSERT INTO lots (product_id, site_id, code, expiry_date, quantity)
       SELECT p, $1, 'HIST', current_date - 400, 0 FROM unnest($2::uuid[]) p
       ON CONFLICT DO NOTHING`,
      [siteId, productIds],
    );
    await db.query(
      `INSERT INTO stock_levels (product_id, site_id, quantity)
       SELECT p, $1, 0 FROM unnest($2::uuid[]) p ON CONFLICT DO NOTHING`,
      [siteId, productIds],
    );
    // What each product sold over the history (k units of its k-th line): received first.
    const sold = `
      SELECT ${product(1)} AS p, 1 AS k, g FROM generate_series(1, ${count}) g WHERE g % 100 < 70
      UNION ALL SELECT ${product(2)}, 2, g FROM generate_series(1, ${count}) g WHERE g % 100 < 70
      UNION ALL SELECT ${product(3)}, 3, g FROM generate_series(1, ${count}) g WHERE g % 100 < 70`;
    await db.query(
      `INSERT INTO stock_movements (product_id, site_id, lot_id, type, quantity, stock_before, stock_after,
         lot_before, lot_after, reference, user_id, created_at)
       SELECT l.product_id, l.site_id, l.id, 'entree', t.total, 0, t.total, 0, t.total, 'HIST',
         $3::uuid, now() - interval '400 days'
       FROM (SELECT p, sum(k)::int AS total FROM (${sold}) s GROUP BY p) t
       JOIN lots l ON l.product_id = ($2::uuid[])[t.p] AND l.site_id = $1 AND l.code = 'HIST'
       ORDER BY t.p`,
      [siteId, productIds, vendorIds[0]],
    );
    step('receipts');
    await db.query(
      `WITH src AS (
         SELECT g, now() - interval '1 day' - g * interval '31 seconds' AS ts, 200 + (g % 50) * 100 AS price,
           CASE WHEN g % 100 < 70 THEN 'livree' WHEN g % 100 < 75 THEN 'annulee' WHEN g % 100 < 85 THEN 'nouvelle'
                WHEN g % 100 < 93 THEN 'en_preparation' ELSE 'en_cours' END AS st
         FROM generate_series(1, ${count}) g
       ), ins AS (
         INSERT INTO orders (local_id, number, site_id, created_by, client_name, client_phone, delivery_address,
           delivery_date, priority, delivery_status, payment_status, total_amount, paid_amount, version,
           delivered_at, cancelled_at, created_at, updated_at)
         SELECT gen_random_uuid(), 'SEED-' || g, $1, ($2::uuid[])[1 + g % $3],
           'Client ' || (g % 20000), '+226 70' || lpad((g % 1000000)::text, 6, '0'), 'Secteur ' || (g % 30),
           (ts + interval '1 day')::date,
           (ARRAY['basse','moyenne','haute'])[1 + g % 3]::priority,
           st::delivery_status,
           (CASE WHEN st = 'livree' THEN 'payee' WHEN g % 7 = 0 AND st <> 'annulee' THEN 'partielle'
                 ELSE 'non_payee' END)::payment_status,
           6 * price,
           CASE WHEN st = 'livree' THEN 6 * price WHEN g % 7 = 0 AND st <> 'annulee' THEN 3 * price ELSE 0 END,
           CASE WHEN st IN ('livree', 'annulee') THEN 4 ELSE 2 END,
           CASE WHEN st = 'livree' THEN ts + interval '1 day' END,
           CASE WHEN st = 'annulee' THEN ts + interval '1 hour' END, ts,
           CASE WHEN st = 'livree' THEN ts + interval '1 day' ELSE ts END
         FROM src
         RETURNING id, substr(number, 6)::int AS g, created_by, paid_amount, delivery_status, created_at
       ), items AS (
         INSERT INTO order_items (order_id, product_id, quantity, unit_price, subtotal)
         SELECT i.id, ($4::uuid[])[CASE k WHEN 1 THEN ${product(1)} WHEN 2 THEN ${product(2)} ELSE ${product(3)} END],
           k, 200 + (g % 50) * 100, k * (200 + (g % 50) * 100)
         FROM ins i, generate_series(1, ${HISTORY_ITEMS_PER_ORDER}) k
       ), paid AS (
         INSERT INTO payments (order_id, amount, method, recorded_by, created_at)
         SELECT id, paid_amount, (ARRAY['especes','orange_money','moov_money'])[1 + g % 3]::payment_method,
           created_by, created_at + interval '1 day'
         FROM ins WHERE paid_amount > 0
       ), logged AS (
         INSERT INTO sync_changes (txid, stream, entity_id, site_id, user_id, created_at)
         SELECT 1, 'order', id, $1, created_by, created_at FROM ins
       )
       SELECT count(*)::int AS n FROM ins`,
      [siteId, vendorIds, vendorIds.length, productIds],
    );
    step('orders, items, payments, change log');
    // The sales, oldest first, each product's stock counting down to 0 (ledger and lots agree).
    await db.query(
      `INSERT INTO stock_movements (product_id, site_id, lot_id, type, quantity, stock_before, stock_after,
         lot_before, lot_after, reference, order_id, user_id, created_at)
       SELECT l.product_id, l.site_id, l.id, 'vente', -s.k, s.left_after + s.k, s.left_after,
         s.left_after + s.k, s.left_after, o.number, o.id, o.created_by, o.delivered_at
       FROM (
         SELECT p, k, g, sum(k) OVER (PARTITION BY p ORDER BY g, k) - k AS left_after FROM (${sold}) x
       ) s
       JOIN lots l ON l.product_id = ($2::uuid[])[s.p] AND l.site_id = $1 AND l.code = 'HIST'
       JOIN orders o ON o.site_id = $1 AND o.number = 'SEED-' || s.g
       ORDER BY s.g DESC, s.k`,
      [siteId, productIds],
    );
    step('sales in the ledger');
  }
  console.log(`history: ${steps.join(', ')}`);
  return (performance.now() - started) / 1000;
}

const HISTORY_TABLES = ['orders', 'order_items', 'payments', 'stock_movements', 'sync_changes'];

/** Drops the indexes of `tables` that back no constraint; returns their definitions. */
async function dropPlainIndexes(db: pg.Client, tables: string[]): Promise<string[]> {
  const { rows } = await db.query<{ name: string; definition: string }>(
    `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
     FROM pg_index i
     WHERE i.indrelid = ANY($1::regclass[])
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`,
    [tables],
  );
  for (const row of rows) await db.query(`DROP INDEX ${row.name}`);
  return rows.map((row) => row.definition);
}

/**
 * `count` orders ready to deliver (`en_cours`, `version` 3), 3 items each over `productIds`
 * (the k-th line k units, spread over the vendors), numbered `<prefix>-<n>`; their ids in order.
 * Written in one statement (inside `withBulkLoad`, without the change log's rows).
 */
export async function seedDeliverable(
  db: pg.Client,
  {
    siteId,
    vendorIds,
    productIds,
    count,
    prefix,
  }: { siteId: string; vendorIds: string[]; productIds: string[]; count: number; prefix: string },
): Promise<string[]> {
  const n = productIds.length;
  const { rows } = await db.query<{ id: string }>(
    `WITH seeded AS (
       INSERT INTO orders (local_id, number, site_id, created_by, client_name, client_phone, priority,
         delivery_status, payment_status, total_amount, paid_amount, version)
       SELECT gen_random_uuid(), $5 || '-' || g, $1, ($2::uuid[])[1 + g % $3], 'Client ' || g,
         '+226 70 12 34 56', 'moyenne', 'en_cours', 'non_payee', 600, 0, 3
       FROM generate_series(1, $4::int) g
       RETURNING id, substr(number, length($5) + 2)::int AS g
     ), lines AS (
       INSERT INTO order_items (order_id, product_id, quantity, unit_price, subtotal)
       SELECT s.id, ($6::uuid[])[${productSql('s.g', 'k', n)}], k, 100, 100 * k
       FROM seeded s, generate_series(1, ${HISTORY_ITEMS_PER_ORDER}) k
     )
     SELECT id FROM seeded ORDER BY g`,
    [siteId, vendorIds, vendorIds.length, count, prefix, productIds],
  );
  return rows.map((row) => row.id);
}

/** The big tables' exact row counts, for the bench's header. */
export async function tableRows(db: pg.Client): Promise<Record<string, number>> {
  const tables = [
    'orders',
    'order_items',
    'payments',
    'stock_movements',
    'sync_changes',
    'audit_log',
    'notifications',
  ];
  const { rows } = await db.query<Record<string, number>>(
    `SELECT ${tables.map((t) => `(SELECT count(*)::int FROM ${t}) AS ${t}`).join(', ')}`,
  );
  return rows[0]!;
}

/**
 * The ledger agrees with itself: every level is the sum of its lots and the last movement's
 * `stock_after` of its product; throws the products that do not.
 */
export async function checkLedger(db: pg.Client): Promise<void> {
  const { rows } = await db.query<{ product_id: string; level: number; lots: number; last: number }>(
    `SELECT s.product_id, s.quantity AS level, l.total AS lots, m.stock_after AS last
     FROM stock_levels s
     JOIN LATERAL (SELECT coalesce(sum(quantity), 0)::int AS total FROM lots
                   WHERE product_id = s.product_id AND site_id = s.site_id) l ON true
     LEFT JOIN LATERAL (SELECT stock_after FROM stock_movements
                        WHERE product_id = s.product_id AND site_id = s.site_id ORDER BY id DESC LIMIT 1) m ON true
     WHERE s.quantity <> l.total OR s.quantity IS DISTINCT FROM coalesce(m.stock_after, 0)`,
  );
  if (rows.length > 0) throw new Error(`ledger check failed: ${JSON.stringify(rows.slice(0, 5))}`);
}

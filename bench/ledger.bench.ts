/**
 * `npm run bench ledger`: what PostgreSQL itself spends on the writes a delivery is made of, one
 * statement at a time, on one connection (no contention, each statement its own transaction):
 * the floor under `npm run bench orders`' deliveries on this machine. CPU is the PostgreSQL
 * backends' (Linux /proc), per call, after a warm-up; 200 products with one lot each, as there.
 */
import pg from 'pg';
import { benchSigner, benchSize, firstSiteId, withBench } from './support/bench-server.ts';
import { postgresCpu, postgresCpuSince } from './support/cpu.ts';
import { httpCall } from './support/http-client.ts';

const CALLS = benchSize('BENCH_LEDGER_CALLS', 1_000, 20);

await withBench('gapal_bench_ledger', {}, async ({ server, db, url }) => {
  const siteId = await firstSiteId(db);
  const { rows: users } = await db.query<{ id: string }>(
    `INSERT INTO users (username, full_name, role, site_id, password_hash)
     VALUES ('bench-stocker', 'bench-stocker', 'gestionnaire_stocks', $1, 'x') RETURNING id`,
    [siteId],
  );
  const token = await benchSigner().signAccess({
    userId: users[0]!.id,
    role: 'gestionnaire_stocks',
    siteId,
    deviceId: null,
  });
  const { rows: products } = await db.query<{ id: string }>(
    `INSERT INTO products (name, unit, unit_price, shelf_life_days)
     SELECT 'Produit ' || g, 'pot', 100, 60 FROM generate_series(1, 200) g RETURNING id`,
  );
  const entry = await httpCall(server.base, token, 'POST', '/api/stock/entry/', {
    items: products.map((p) => ({ product_id: p.id, quantity: 1_000_000 })),
  });
  if (entry.status !== 201) throw new Error(`stock entry failed: ${entry.status} ${entry.text}`);
  const three = products.slice(0, 3).map((p) => p.id);
  const { rows: lots } = await db.query<{ id: string }>(
    `SELECT l.id FROM lots l JOIN unnest($1::uuid[]) WITH ORDINALITY AS p(id, n) ON p.id = l.product_id
     ORDER BY p.n`,
    [three],
  );
  const lotIds = lots.map((lot) => lot.id);

  /** `deliveries` groups of 3 lines each, over distinct products, as a batch of deliveries takes them. */
  const takeStockCase = (label: string, deliveries: number): [string, string, unknown[]] => {
    const lines = products.slice(0, 3 * deliveries).map((p) => p.id);
    const each = <T>(value: T) => Array.from({ length: deliveries }, () => value);
    return [
      label,
      `SELECT * FROM ledger_take_stock($1, 'vente', NULL, false, current_date, $2::text[], $3::uuid[], $4::uuid[],
         $5::uuid[], $6::bool[], $7::int[], $8::uuid[], $9::int[], $10::uuid[])`,
      [
        siteId,
        each('BENCH'),
        each(null),
        each(null),
        each(null),
        each(false),
        lines.map((_, i) => 1 + Math.floor(i / 3)),
        lines,
        lines.map(() => 1),
        lines.map(() => null),
      ],
    ];
  };
  const cases: [label: string, text: string, values: unknown[]][] = [
    ['SELECT 1 (a round trip)', 'SELECT 1', []],
    ['update one lot', 'UPDATE lots SET quantity = quantity - 1 WHERE id = $1', [lotIds[0]]],
    [
      'update one stock level (+ its change-log row)',
      'UPDATE stock_levels SET quantity = quantity - 1 WHERE product_id = $1 AND site_id = $2',
      [three[0], siteId],
    ],
    ['insert one audit row', `INSERT INTO audit_log (action, entity) VALUES ('bench', 'bench')`, []],
    [
      'ledger_write, 3 movements (lots, levels, ledger)',
      `SELECT * FROM ledger_write($1, 'vente', NULL, $2::uuid[], $3::uuid[], $4::int[], $5::bool[],
         $6::text[], $7::uuid[], $8::uuid[], $9::uuid[])`,
      [
        siteId,
        three,
        lotIds,
        [-1, -1, -1],
        [false, false, false],
        ['BENCH', 'BENCH', 'BENCH'],
        [null, null, null],
        [null, null, null],
        [null, null, null],
      ],
    ],
    takeStockCase('ledger_take_stock, 1 delivery of 3 lines (locks, FEFO, write)', 1),
    takeStockCase('ledger_take_stock, 8 deliveries of 3 lines (a batch)', 8),
  ];

  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: version } = await db.query<{ server_version: string }>('SHOW server_version');
    console.log(`PostgreSQL ${version[0]!.server_version}, one connection, ${CALLS} calls per statement`);
    for (const [label, text, values] of cases) {
      const query = { name: label, text, values };
      for (let i = 0; i < 20; i += 1) await client.query(query);
      const cpuBefore = await postgresCpu(db);
      const started = performance.now();
      for (let i = 0; i < CALLS; i += 1) await client.query(query);
      const wall = (performance.now() - started) / CALLS;
      const cpu = (await postgresCpuSince(db, cpuBefore)) / CALLS;
      console.log(`${label}: PostgreSQL CPU ${cpu.toFixed(3)} ms per call, ${wall.toFixed(3)} ms wall`);
    }
  } finally {
    await client.end();
  }
});

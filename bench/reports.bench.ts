/**
 * `npm run bench reports`: exports a year of 100 000 orders (seeded with generate_series into
 * a database of its own on the PostgreSQL in DATABASE_URL) as CSV, XLSX and PDF, over real HTTP,
 * and records the time and the server's peak resident memory for each.
 *
 * The server runs in a child process so its memory is measured alone: the parent samples the
 * child's VmRSS (Linux /proc) every 20 ms while it downloads and discards the file. Meanwhile it
 * asks the server's liveness route over and over, one request at a time: how long another request
 * of that process waits behind the export (the event loop it holds).
 */

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { benchSigner, benchSize, firstSiteId, withBench } from './support/bench-server.ts';

const ORDERS = benchSize('BENCH_REPORT_ORDERS', 100_000, 1_000);
const PRODUCTS = 40;
const here = path.dirname(fileURLToPath(import.meta.url));

await withBench('gapal_bench_reports', {}, async ({ server, db }) => {
  const results = await run(server.base, db, server.pid);
  print(results);
  mkdirSync(path.join(here, 'out'), { recursive: true });
  writeFileSync(path.join(here, 'out', 'reports.json'), `${JSON.stringify(results, null, 2)}\n`);
});

type Export = {
  label: string;
  seconds: number;
  bytes: number;
  peakRssMb: number;
  baselineRssMb: number;
  /** Another request's response time during the export: median, p99 and max, in ms. */
  otherRequestMs: { median: number; p99: number; max: number; count: number };
};
type Results = { orders: number; items: number; seedSeconds: number; exports: Export[]; postgres: string };

async function run(base: string, db: pg.Client, serverPid: number): Promise<Results> {
  const { addDays, todayIn } = await import('../apps/server/src/lib/dates.ts');
  const signer = benchSigner();
  const siteId = await firstSiteId(db);
  const { rows: vendors } = await db.query<{ id: string }>(
    `INSERT INTO users (username, full_name, role, site_id, password_hash)
     SELECT 'bench-v' || g, 'Vendeur ' || g, 'vendeur', $1, 'x' FROM generate_series(1, 8) g RETURNING id`,
    [siteId],
  );
  const { rows: managers } = await db.query<{ id: string }>(
    `INSERT INTO users (username, full_name, role, site_id, password_hash)
     VALUES ('bench-manager', 'Gestionnaire', 'gestionnaire_commandes', $1, 'x') RETURNING id`,
    [siteId],
  );
  const token = await signer.signAccess({
    userId: managers[0]!.id,
    role: 'gestionnaire_commandes',
    siteId,
    deviceId: null,
  });

  const seedStarted = performance.now();
  await db.query(
    `INSERT INTO products (name, unit, unit_price)
     SELECT 'Produit laitier ' || g, 'pot', 100 + (g % 20) * 50 FROM generate_series(1, ${PRODUCTS}) g`,
  );
  // A year of orders, spread over 364 days, with every status; two lines each.
  await db.query(
    `INSERT INTO orders (local_id, number, site_id, created_by, client_name, client_phone, delivery_status,
                         payment_status, total_amount, paid_amount, created_at, delivered_at, cancelled_at)
     SELECT gen_random_uuid(), 'CMD-B-' || lpad(g::text, 6, '0'), $1, ($2::uuid[])[1 + g % 8],
            'Client ' || (g % 5000), '+226 70 ' || lpad((g % 10000)::text, 4, '0') || ' 00',
            s.status::delivery_status, p.status::payment_status, 3000, p.paid,
            at, CASE WHEN s.status = 'livree' THEN at + interval '3 hours' END,
            CASE WHEN s.status = 'annulee' THEN at + interval '1 hour' END
     FROM generate_series(1, ${ORDERS}) g
     CROSS JOIN LATERAL (SELECT now() - make_interval(days => g % 364, mins => g % 600) AS at) t
     CROSS JOIN LATERAL (SELECT (ARRAY['nouvelle','en_preparation','en_cours','livree','livree','livree','annulee'])[1 + g % 7] AS status) s
     CROSS JOIN LATERAL (SELECT CASE g % 3 WHEN 0 THEN 'non_payee' WHEN 1 THEN 'partielle' ELSE 'payee' END AS status,
                                CASE g % 3 WHEN 0 THEN 0 WHEN 1 THEN 1000 ELSE 3000 END AS paid) p`,
    [siteId, vendors.map((v) => v.id)],
  );
  await db.query(
    `INSERT INTO order_items (order_id, product_id, quantity, unit_price, subtotal)
     SELECT o.id, p.id, x.quantity, 1000, 1000 * x.quantity
     FROM orders o
     CROSS JOIN LATERAL (VALUES (1), (2)) AS x(quantity)
     JOIN LATERAL (SELECT id FROM products ORDER BY name OFFSET (abs(hashtext(o.number)) + x.quantity) % ${PRODUCTS} LIMIT 1) p ON true`,
  );
  await db.query('ANALYZE');
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  const [{ n: items } = { n: 0 }] = (
    await db.query<{ n: number }>('SELECT count(*)::int AS n FROM order_items')
  ).rows;

  const today = todayIn('Africa/Ouagadougou');
  const period = `from=${addDays(today, -364)}&to=${today}`;
  const exports: Export[] = [];
  for (const [label, url] of [
    ['CSV', `/api/reports/orders/csv/?${period}&sep=semicolon`],
    ['XLSX', `/api/reports/orders/xlsx/?${period}`],
    ['PDF (summary + list)', `/api/reports/orders/pdf/?${period}`],
  ] as const) {
    exports.push({ label, ...(await measure(`${base}${url}`, token, serverPid)) });
    console.log(`${label}: ${JSON.stringify(exports.at(-1))}`);
  }
  const { rows: version } = await db.query<{ v: string }>(`SELECT current_setting('server_version') AS v`);
  return { orders: ORDERS, items, seedSeconds, exports, postgres: version[0]!.v };
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** Downloads a file (thrown away as it arrives) while sampling the server's resident memory. */
async function measure(url: string, token: string, pid: number) {
  global.gc?.();
  await new Promise((resolve) => setTimeout(resolve, 500));
  const baselineRssMb = rssMb(pid);
  let peakRssMb = baselineRssMb;
  const sampler = setInterval(() => {
    peakRssMb = Math.max(peakRssMb, rssMb(pid));
  }, 20);
  const started = performance.now();
  let downloading = true;
  const otherRequests = (async () => {
    const times: number[] = [];
    const health = new URL('/api/health/', url).href;
    while (downloading) {
      const sent = performance.now();
      await fetch(health).then((response) => response.arrayBuffer());
      times.push(performance.now() - sent);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return times.sort((a, b) => a - b);
  })();
  try {
    const bytes = await new Promise<number>((resolve, reject) => {
      http
        .get(url, { headers: { authorization: `Bearer ${token}` } }, (response) => {
          if (response.statusCode !== 200) reject(new Error(`${url}: ${response.statusCode}`));
          let total = 0;
          response.on('data', (chunk: Buffer) => {
            total += chunk.length;
          });
          response.on('end', () => resolve(total));
          response.on('error', reject);
        })
        .on('error', reject);
    });
    const seconds = round((performance.now() - started) / 1000);
    downloading = false;
    const times = await otherRequests;
    const at = (q: number) => round(times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0);
    return {
      seconds,
      bytes,
      peakRssMb: round(peakRssMb),
      baselineRssMb: round(baselineRssMb),
      otherRequestMs: { median: at(0.5), p99: at(0.99), max: at(1), count: times.length },
    };
  } finally {
    downloading = false;
    clearInterval(sampler);
  }
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function print(results: Results): void {
  console.log(
    `\n${results.orders} orders (${results.items} lines) seeded in ${round(results.seedSeconds)} s`,
  );
  console.log(
    '| export | time | size | server RSS before → peak | another request meanwhile: median / p99 / max |',
  );
  console.log('|---|---:|---:|---:|---:|');
  for (const e of results.exports) {
    const other = e.otherRequestMs;
    console.log(
      `| ${e.label} | ${e.seconds} s | ${round(e.bytes / 1024 / 1024)} MB | ${e.baselineRssMb} → ${e.peakRssMb} MB | ${other.median} / ${other.p99} / ${other.max} ms (${other.count}) |`,
    );
  }
}

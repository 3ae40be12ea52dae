/**
 * The memory bench's load (bench/memory.bench.ts): the compiled server started as production
 * starts it, with given environment and Node flags, under 16 clients creating, delivering and
 * listing orders; its resident memory sampled every 100 ms.
 */

import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BENCH_JWT_SECRET, benchSize, firstSiteId, insertBenchUser, withClient } from './bench-server.ts';
import { httpCall } from './http-client.ts';
import { pickProducts } from './order-seed.ts';
import { freePort, killServer, startServer } from './power-cut-server.ts';
import { residentBytes } from './server-process.ts';

const CLIENTS = 16;
const PRODUCTS = 200;
const ORDERS_PER_CLIENT = benchSize('BENCH_MEMORY_LOAD_ORDERS', 300, 5);
const LISTS_PER_CLIENT = benchSize('BENCH_MEMORY_LOAD_LISTS', 100, 3);

export type MemorySetting = { label: string; text: string; env: Record<string, string>; nodeFlags: string[] };

/** `BENCH_MEMORY_SETTINGS` (`default;production` unless set), parsed. */
export function loadSettings(): MemorySetting[] {
  return (process.env.BENCH_MEMORY_SETTINGS ?? 'default;production').split(';').map((item) => {
    const [label, ...rest] = item.split('=');
    if (label === 'default' && rest.length === 0) return parseSetting('default', '');
    if (label === 'production' && rest.length === 0) return parseSetting('production', productionSettings());
    return parseSetting(label!.trim(), rest.join('='));
  });
}

/** What apps/server's `npm start` adds to `node --conditions=gapal-compiled dist/server.js`. */
function productionSettings(): string {
  const manifest = JSON.parse(
    readFileSync(new URL('../../apps/server/package.json', import.meta.url), 'utf8'),
  ) as { scripts: { start: string } };
  return manifest.scripts.start
    .split(/\s+/)
    .filter((word) => !['node', '--conditions=gapal-compiled', 'dist/server.js'].includes(word))
    .join(' ');
}

function parseSetting(label: string, text: string): MemorySetting {
  const words = text.split(/\s+/).filter(Boolean);
  const env = Object.fromEntries(
    words.filter((word) => /^[A-Z_]+=/.test(word)).map((word) => word.split('=') as [string, string]),
  );
  return { label, text, env, nodeFlags: words.filter((word) => word.startsWith('--')) };
}

/** One run: the resident memory at rest, mean and peak under the load, heap at the end, deliveries/s. */
export async function measureUnderLoad(setting: MemorySetting, url: string): Promise<string> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gapal-bench-memory-load-'));
  const saved = { ...process.env };
  // Read by startServer when it spawns the server (and only there: this process is running).
  Object.assign(process.env, setting.env, {
    JWT_SECRET: BENCH_JWT_SECRET,
    NODE_OPTIONS: setting.nodeFlags.join(' '),
  });
  const port = await freePort();
  const server = await startServer(url, dataDir, port, 'compiled').finally(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });
  const base = `http://127.0.0.1:${port}`;
  const samples: number[] = [];
  const timer = setInterval(() => samples.push(residentBytes(server.pid!) ?? 0), 100);
  try {
    await sleep(3_000);
    const rest = residentBytes(server.pid!) ?? 0;
    samples.length = 0;
    const perSecond = await withClient(url, (db) => load(base, db));
    const metrics = await (await fetch(`${base}/metrics`)).text();
    const metric = (name: string) =>
      Number(new RegExp(`^gapal_${name} (\\S+)`, 'm').exec(metrics)?.[1] ?? Number.NaN);
    const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
    const mean = samples.reduce((sum, n) => sum + n, 0) / Math.max(1, samples.length);
    return `${mb(rest)} / ${mb(mean)} / ${mb(Math.max(...samples))} | ${mb(metric('nodejs_heap_size_total_bytes'))} / ${mb(metric('nodejs_heap_size_used_bytes'))} / ${mb(metric('nodejs_external_memory_bytes'))} | ${perSecond.toFixed(0)}`;
  } finally {
    clearInterval(timer);
    await killServer(server);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function load(base: string, db: import('pg').Client): Promise<number> {
  const siteId = await firstSiteId(db);
  const user = async (role: Parameters<typeof insertBenchUser>[2], username: string) =>
    (await insertBenchUser(db, siteId, role, username)).token;
  const vendors: string[] = [];
  for (let i = 0; i < CLIENTS; i += 1) vendors.push(await user('vendeur', `memory-v${i}`));
  const manager = await user('gestionnaire_commandes', 'memory-manager');
  const stocker = await user('gestionnaire_stocks', 'memory-stocker');
  const { rows: products } = await db.query<{ id: string }>(
    `INSERT INTO products (name, unit, unit_price, shelf_life_days)
     SELECT 'Produit ' || g, 'pot', 100 + (g % 20) * 25, 60 FROM generate_series(1, ${PRODUCTS}) g RETURNING id`,
  );
  const entry = await httpCall(base, stocker, 'POST', '/api/stock/entry/', {
    items: products.map((p) => ({ product_id: p.id, quantity: 1_000_000 })),
  });
  if (entry.status !== 201) throw new Error(`stock entry failed: ${entry.status}`);
  const ids: string[][] = vendors.map(() => []);
  await Promise.all(
    vendors.map(async (token, client) => {
      for (let i = 0; i < ORDERS_PER_CLIENT; i += 1) {
        const response = await httpCall(base, token, 'POST', '/api/orders/', {
          local_id: randomUUID(),
          client_name: `Client ${client}-${i}`,
          client_phone: '+226 70 12 34 56',
          items: pickProducts(products, client * 7919 + i).map((id, k) => ({
            product_id: id,
            quantity: 1 + k,
          })),
        });
        if (response.status !== 201) throw new Error(`create failed: ${response.status}`);
        ids[client]!.push(JSON.parse(response.text).id);
      }
    }),
  );
  await db.query(`UPDATE orders SET delivery_status = 'en_cours', version = 3`);
  const started = performance.now();
  await Promise.all(
    ids.map(async (orders) => {
      for (const id of orders) {
        const response = await httpCall(base, manager, 'PATCH', `/api/orders/${id}/status/`, {
          status: 'livree',
        });
        if (response.status !== 200) throw new Error(`delivery failed: ${response.status}`);
      }
    }),
  );
  const perSecond = (CLIENTS * ORDERS_PER_CLIENT) / ((performance.now() - started) / 1000);
  await Promise.all(
    vendors.map(async () => {
      for (let i = 0; i < LISTS_PER_CLIENT; i += 1) {
        const response = await httpCall(base, manager, 'GET', '/api/orders/?limit=200');
        if (response.status !== 200) throw new Error(`list failed: ${response.status}`);
      }
    }),
  );
  return perSecond;
}

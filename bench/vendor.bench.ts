/// <reference lib="dom" />
/**
 * `npm run bench vendor` (needs `npm run build` first): the vendor PWA's budgets, in Debian's
 * Chromium through playwright-core, against a real server on PGlite with the built web app.
 * - first visit on emulated 2G (250 kbit/s down, 50 up, 300 ms RTT): login form usable, then the
 *   service worker's precache complete;
 * - precache size, compressed (the .br the server sends; gzip for reference);
 * - repeat visit offline on a 4× CPU-throttled Chromium: the orders screen rendered;
 * - 200 orders waiting in the outbox, synced over the same 2G link.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { buildApp } from '../apps/server/src/app.ts';
import { bootstrap } from '../apps/server/src/bootstrap/bootstrap.ts';
import { loadConfig } from '../apps/server/src/config.ts';
import { openDatabase } from '../apps/server/src/db/client.ts';

const WEB_DIST = fileURLToPath(new URL('../apps/web/dist', import.meta.url));
const ADMIN = { username: 'admin', password: 'admin-bench-password' };
const ORDERS = Number(process.env.BENCH_VENDOR_ORDERS ?? 200);
const TWO_G = {
  offline: false,
  latency: 300,
  downloadThroughput: (250 * 1000) / 8,
  uploadThroughput: (50 * 1000) / 8,
};

async function startServer() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gapal-bench-vendor-'));
  const config = loadConfig({
    GAPAL_DATA_DIR: dataDir,
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123456789',
    GAPAL_DEMO_DATA: 'false',
    GAPAL_ADMIN_USERNAME: ADMIN.username,
    GAPAL_ADMIN_PASSWORD: ADMIN.password,
    GAPAL_WEB_DIST: WEB_DIST,
    LOG_LEVEL: 'silent',
  });
  const database = await openDatabase({ kind: 'pglite', dataDir: path.join(dataDir, 'pglite') });
  await database.migrate();
  await bootstrap(database.db, config);
  const app = await buildApp(config, database, { logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    async close() {
      await app.close();
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function call(base: string, token: string, method: string, url: string, body?: unknown) {
  const response = await fetch(`${base}${url}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : null,
  });
  if (!response.ok) throw new Error(`${method} ${url} → ${response.status} ${await response.text()}`);
  return response.json();
}

function precacheSizes(): { files: number; raw: number; br: number; gz: number } {
  const sw = readFileSync(path.join(WEB_DIST, 'vendeur', 'sw.js'), 'utf8');
  const urls = JSON.parse(/const SHELL = (\[.*\]);/.exec(sw)![1]!) as string[];
  const size = (file: string) => {
    try {
      return statSync(file).size;
    } catch {
      return undefined;
    }
  };
  let raw = 0;
  let br = 0;
  let gz = 0;
  for (const url of urls) {
    const file = path.join(WEB_DIST, url);
    const plain = size(file)!;
    raw += plain;
    br += size(`${file}.br`) ?? plain;
    gz += size(`${file}.gz`) ?? plain;
  }
  return { files: urls.length, raw, br, gz };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main() {
  if (!existsSync(path.join(WEB_DIST, 'vendeur', 'sw.js'))) {
    throw new Error('apps/web/dist has no vendor app: run `npm run build` first');
  }
  const server = await startServer();
  const profile = mkdtempSync(path.join(tmpdir(), 'gapal-bench-phone-'));
  try {
    const { access_token: admin } = (await (
      await fetch(`${server.url}/api/auth/login/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(ADMIN),
      })
    ).json()) as { access_token: string };
    const sites = (await call(server.url, admin, 'GET', '/api/sites/')) as { id: string }[];
    await call(server.url, admin, 'POST', '/api/users/', {
      username: 'vendeur.bench',
      password: 'motdepasse-bench',
      full_name: 'Vendeur Bench',
      role: 'vendeur',
      site_id: sites[0]!.id,
    });
    const products: string[] = [];
    for (let i = 0; i < 40; i += 1) {
      const product = (await call(server.url, admin, 'POST', '/api/products/', {
        name: `Produit ${i}`,
        unit: 'pot',
        unit_price: 250 + i * 25,
        min_stock_level: 0,
        shelf_life_days: 21,
      })) as { id: string };
      products.push(product.id);
    }

    const context = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--no-first-run',
        '--disable-quic',
      ],
      headless: true,
      baseURL: server.url,
      viewport: { width: 360, height: 740 },
      isMobile: true,
      hasTouch: true,
      locale: 'fr-FR',
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', TWO_G);

    // 1. First visit on 2G.
    let started = Date.now();
    await page.goto('/vendeur/', { waitUntil: 'commit' });
    await page.getByRole('button', { name: 'Se connecter' }).waitFor({ timeout: 60_000 });
    const loginUsable = Date.now() - started;
    await page.getByLabel('Identifiant').fill('vendeur.bench');
    await page.getByLabel('Mot de passe').fill('motdepasse-bench');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByText(/Synchro : \d/).waitFor({ timeout: 60_000 });
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    const offlineReady = Date.now() - started;

    // 2. Repeat visit offline, 4× CPU throttle.
    await cdp.send('Network.emulateNetworkConditions', { ...TWO_G, offline: true });
    await context.setOffline(true);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    started = Date.now();
    await page.goto('/vendeur/commandes', { waitUntil: 'commit' });
    await page.getByRole('heading', { name: 'Mes commandes' }).waitFor();
    await page.getByTestId('status-bar').waitFor();
    const repeatOffline = Date.now() - started;
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });

    // 3. 200 orders in the outbox, as the app writes them (Dexie stores), then synced on 2G.
    await seedOutbox(page, products, ORDERS);
    await context.setOffline(false);
    await cdp.send('Network.emulateNetworkConditions', TWO_G);
    started = Date.now();
    await page.reload({ waitUntil: 'commit' });
    // Done when nothing is pending and a whole cycle (push then pull) ended after the start.
    for (;;) {
      const { pending, lastSync } = await outboxState(page);
      if (pending === 0 && lastSync && Date.parse(lastSync) >= started) break;
      if (Date.now() - started > 300_000) throw new Error(`sync not done: ${pending} pending`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const syncAll = Date.now() - started;
    const onServer = (await call(server.url, admin, 'GET', '/api/orders/count/')) as { count: number };
    await context.close();

    const sizes = precacheSizes();
    console.log(`first visit 2G, login form usable: ${seconds(loginUsable)} (budget 10 s)`);
    console.log(
      `first visit 2G, signed in + catalog synced + service worker ready: ${seconds(offlineReady)}`,
    );
    console.log(
      `precache: ${sizes.files} files, ${kb(sizes.raw)} raw, ${kb(sizes.br)} brotli, ${kb(sizes.gz)} gzip (budget 300 KB)`,
    );
    console.log(`repeat visit offline, 4× CPU: ${seconds(repeatOffline)} (budget 1.5 s)`);
    console.log(
      `sync ${ORDERS} pending orders on 2G: ${seconds(syncAll)} (budget 30 s); orders on server: ${onServer.count}`,
    );
  } finally {
    await server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

async function outboxState(page: Page): Promise<{ pending: number; lastSync: string | undefined }> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('gapal-vendeur');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const tx = db.transaction(['outbox', 'meta'], 'readonly');
    const all = await new Promise<{ status: string }[]>((resolve) => {
      const request = tx.objectStore('outbox').getAll();
      request.onsuccess = () => resolve(request.result);
    });
    const last = await new Promise<string | undefined>((resolve) => {
      const request = tx.objectStore('meta').get('last_sync_at');
      request.onsuccess = () => resolve(request.result?.value);
    });
    db.close();
    return { pending: all.filter((entry) => entry.status === 'pending').length, lastSync: last };
  });
}

/** Raw IndexedDB writes in the shape of sync-client's `recordMutation` (outbox + next_seq). */
async function seedOutbox(page: Page, products: string[], count: number) {
  await page.evaluate(
    async ({ products, count }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('gapal-vendeur');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const tx = db.transaction(['outbox', 'meta'], 'readwrite');
      const meta = tx.objectStore('meta');
      const next = await new Promise<number>((resolve) => {
        const request = meta.get('next_seq');
        request.onsuccess = () => resolve((request.result?.value as number | undefined) ?? 1);
      });
      for (let i = 0; i < count; i += 1) {
        tx.objectStore('outbox').add({
          seq: next + i,
          id: crypto.randomUUID(),
          name: 'create_order',
          args: {
            local_id: crypto.randomUUID(),
            client_name: `Client ${i}`,
            client_phone: '+226 70 12 34 56',
            delivery_address: 'Secteur 15, Ouagadougou',
            priority: 'moyenne',
            notes: 'Livrer avant midi',
            items: [0, 1, 2].map((k) => ({
              product_id: products[(i + k) % products.length],
              quantity: 1 + k,
            })),
          },
          client_time: new Date().toISOString(),
          status: 'pending',
        });
      }
      meta.put({ key: 'next_seq', value: next + count });
      await new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
      db.close();
    },
    { products, count },
  );
}

await main();

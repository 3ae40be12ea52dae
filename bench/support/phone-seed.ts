/// <reference lib="dom" />
/**
 * Fills the vendor app's IndexedDB (`gapal-vendeur`) in the browser, in the shapes sync-client
 * stores: orders the server already holds (history pulled earlier) and changes waiting in the
 * outbox. Raw IndexedDB, so the bench does not depend on the app's bundle.
 */
import type { Page } from 'playwright-core';

/** `count` delivered orders spread over the last `days` days, every other one paid. */
export async function seedHistory(
  page: Page,
  { products, count, days }: { products: string[]; count: number; days: number },
): Promise<void> {
  await page.evaluate(
    async ({ products, count, days }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('gapal-vendeur');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const tx = db.transaction(['orders'], 'readwrite');
      const now = Date.now();
      for (let i = 0; i < count; i += 1) {
        const at = new Date(now - ((i + 1) / count) * days * 86_400_000).toISOString();
        const items = [0, 1, 2].map((k) => ({
          product_id: products[(i + k) % products.length]!,
          quantity: 1 + k,
          unit_price: 500,
          subtotal: 500 * (1 + k),
          returned_quantity: 0,
        }));
        const paid = i % 2 === 0;
        tx.objectStore('orders').put({
          id: crypto.randomUUID(),
          local_id: crypto.randomUUID(),
          number: `CMD-H${String(i).padStart(5, '0')}`,
          site_id: crypto.randomUUID(),
          created_by: crypto.randomUUID(),
          device_id: null,
          client_name: `Client historique ${i % 150}`,
          client_phone: '+226 70 00 00 00',
          delivery_address: 'Secteur 4, Koudougou',
          delivery_date: null,
          priority: 'moyenne',
          notes: null,
          delivery_status: 'livree',
          payment_status: paid ? 'payee' : 'non_payee',
          total_amount: 3000,
          paid_amount: paid ? 3000 : 0,
          balance: paid ? 0 : 3000,
          version: 3,
          delivered_at: at,
          cancelled_at: null,
          created_at: at,
          updated_at: at,
          items,
        });
      }
      await new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
      db.close();
    },
    { products, count, days },
  );
}

/** `count` new orders waiting in the outbox, as `recordMutation` writes them (entry + next_seq). */
export async function seedOutbox(page: Page, { products, count }: { products: string[]; count: number }) {
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

/** Entries not yet acknowledged, and when the last whole sync cycle ended. */
export async function outboxState(page: Page): Promise<{ pending: number; lastSync: string | undefined }> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('gapal-vendeur');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const tx = db.transaction(['outbox', 'meta'], 'readonly');
    const pending = await new Promise<number>((resolve) => {
      const request = tx.objectStore('outbox').index('status').count('pending');
      request.onsuccess = () => resolve(request.result);
    });
    const last = await new Promise<string | undefined>((resolve) => {
      const request = tx.objectStore('meta').get('last_sync_at');
      request.onsuccess = () => resolve(request.result?.value);
    });
    db.close();
    return { pending, lastSync: last };
  });
}

/**
 * Ready to work offline: a service worker active for `/vendeur/`, every shell file in its cache,
 * and the catalog in IndexedDB.
 */
export async function offlineReady(page: Page, shell: string[]): Promise<boolean> {
  return page.evaluate(async (shell) => {
    const registration = await navigator.serviceWorker.getRegistration('/vendeur/');
    if (registration?.active?.state !== 'activated') return false;
    const name = (await caches.keys()).find((key) => key.startsWith('gapal-vendeur-'));
    if (!name) return false;
    const cache = await caches.open(name);
    for (const url of shell) if (!(await cache.match(url))) return false;
    // Opening a database that does not exist yet would create it behind the app's back.
    if (!(await indexedDB.databases()).some((info) => info.name === 'gapal-vendeur')) return false;
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('gapal-vendeur');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    try {
      if (!db.objectStoreNames.contains('products')) return false;
      const count = await new Promise<number>((resolve) => {
        const request = db.transaction('products').objectStore('products').count();
        request.onsuccess = () => resolve(request.result);
      });
      return count > 0;
    } finally {
      db.close();
    }
  }, shell);
}

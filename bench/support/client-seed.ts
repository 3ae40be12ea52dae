/// <reference lib="dom" />
/**
 * The client search on the phone with a big directory (#27): `count` pulled clients written
 * straight into the vendor app's IndexedDB (`gapal-vendeur`, table `clients`) in the shape
 * sync-client stores (the pull's client plus its search keys), not through the 2G pull; then
 * searches typed in the client step, each timed in the page from the keystroke to its results.
 */
import type { Page } from 'playwright-core';

/** A search and what its results look like once shown: that many, each with `shows` in it. */
export type ClientSearchTerm = { typed: string; shows: string; count: number };

/** Client `i`: `${kind} ${surname} ${i}`, phone `+2267` and `i` on 7 digits; one client is rare. */
export const RARE_CLIENT = { index: 4321, name: 'Maquis Chez Rasmané Tapsoba' };

/**
 * With 5 000 clients and the step showing 8: a common prefix (« maquis »: a quarter of them), the
 * rare name typed without its accent, and a phone's digits typed with spaces.
 */
export const CLIENT_SEARCH_TERMS: ClientSearchTerm[] = [
  { typed: 'maquis', shows: 'Maquis', count: 8 },
  { typed: 'rasmane', shows: 'Rasmané', count: 1 },
  { typed: '70 00 12 34', shows: '+22670001234', count: 1 },
];

export async function seedClients(page: Page, { count }: { count: number }): Promise<void> {
  await page.evaluate(
    async ({ count, rare }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('gapal-vendeur');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const kinds = ['maquis', 'boutique', 'revendeur', 'autre'] as const;
      const labels = ['Maquis', 'Boutique', 'Revendeur', 'Client'];
      const surnames = [
        'Ouédraogo',
        'Kaboré',
        'Sawadogo',
        'Compaoré',
        'Zongo',
        'Traoré',
        'Ilboudo',
        'Kiendrébéogo',
      ];
      const site = crypto.randomUUID();
      const author = crypto.randomUUID();
      const tx = db.transaction(['clients'], 'readwrite');
      const now = Date.now();
      for (let i = 0; i < count; i += 1) {
        const name = i === rare.index ? rare.name : `${labels[i % 4]} ${surnames[i % surnames.length]} ${i}`;
        const phone = `+2267${String(i).padStart(7, '0')}`;
        const at = new Date(now - i * 60_000).toISOString();
        tx.objectStore('clients').put({
          id: crypto.randomUUID(),
          site_id: site,
          name,
          phone,
          area: 'Secteur 4',
          address: null,
          kind: kinds[i % 4],
          notes: null,
          credit_limit: null,
          is_active: true,
          merged_into_id: null,
          created_by: author,
          device_id: null,
          created_at: at,
          updated_at: at,
          version: 1,
          balance: 0,
          last_order_at: null,
          // The search keys as sync-client's `toStoredClient` writes them.
          name_folded: name
            .normalize('NFD')
            .replace(/[\u0300-\u036f]/g, '')
            .toLowerCase()
            .replace(/\s+/g, ' ')
            .trim(),
          phone_digits: phone.replace(/\D/g, ''),
        });
      }
      await new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
      db.close();
    },
    { count, rare: RARE_CLIENT },
  );
}

/**
 * Types `term` in the client step's search box (as a keystroke does: React's input event) and
 * returns the time until its results are shown (ms), read in the page on every frame.
 */
export async function timeClientSearch(page: Page, term: ClientSearchTerm): Promise<number> {
  const started = await page.evaluate((typed) => {
    const input = document.querySelector<HTMLInputElement>('input[type="search"]')!;
    const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
    const at = Date.now();
    setValue.call(input, typed);
    input.dispatchEvent(new Event('input', { bubbles: true }));
    return at;
  }, term.typed);
  const shown = await page.waitForFunction(
    ({ shows, count }) => {
      const list = document.querySelector('ul[aria-label="Clients trouvés"]');
      const found = list ? Array.from(list.querySelectorAll('button')) : [];
      const done = found.length === count && found.every((button) => button.textContent?.includes(shows));
      return done ? Date.now() : false;
    },
    { shows: term.shows, count: term.count },
    { polling: 'raf' },
  );
  return ((await shown.jsonValue()) as number) - started;
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VendorApp } from './pages/vendor-app.ts';
import { SeedApi, type SeededProduct, type SeededUser, seedProduct, unique } from './support/api.ts';
import { type GapalServer, startGapal } from './support/gapal-server.ts';
import { phoneProfiles, signedInVendorPhone } from './support/phone.ts';

const SESSION_KEY = 'gapal-vendeur-session';

/** The phone's session: kept through lost answers, ended only by the server's word. */
describe('vendor app: session and storage', () => {
  let server: GapalServer;
  let api: SeedApi;
  let product: SeededProduct;
  const profiles = phoneProfiles();

  beforeAll(async () => {
    server = await startGapal();
    api = new SeedApi(server.url);
    product = await seedProduct(api, { name: `Dégué ${unique('')}`, price: 300, stock: 500 });
  });
  afterAll(async () => {
    await server?.close();
    profiles.removeAll();
  });

  const signedInPhone = (user: SeededUser) => signedInVendorPhone(profiles.make(), server.url, user);

  const storedSession = (app: VendorApp) =>
    app.page.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? 'null'), SESSION_KEY);

  /** The access token is refused from now on (as after 15 minutes): the next sync must refresh. */
  async function expireAccessToken(app: VendorApp): Promise<void> {
    await app.page.evaluate((key) => {
      const session = JSON.parse(localStorage.getItem(key)!);
      localStorage.setItem(key, JSON.stringify({ ...session, accessToken: 'expired' }));
    }, SESSION_KEY);
  }

  it('a refresh whose answer is lost is tried again with the same token: still signed in, the sync goes on', async () => {
    const vendor = await api.createUser('vendeur');
    const { context, page, app } = await signedInPhone(vendor);
    const before = await storedSession(app);

    const presented: string[] = [];
    let lost = 0;
    await page.route('**/api/auth/refresh/', async (route) => {
      presented.push(JSON.parse(route.request().postData() ?? '{}').refresh_token);
      if (lost > 0) return route.continue();
      // The server rotates the token; the phone never hears the answer.
      await route.fetch();
      lost += 1;
      await route.abort('connectionreset');
    });
    await expireAccessToken(app);
    await page.reload();
    await app.waitReady();

    const client = unique('Boutique Zida ');
    await app.createOrder({ client, product: product.name, quantity: 2 });
    await expect.poll(() => app.card(client).textContent(), { timeout: 30_000 }).toContain('Envoyée');
    expect(lost).toBe(1);
    // The retry presented the very token whose answer was lost, and got a new pair for the session.
    expect(presented.length).toBeGreaterThanOrEqual(2);
    expect(presented[1]).toBe(before.refreshToken);
    const after = await storedSession(app);
    expect(after?.refreshToken).toBeTruthy();
    expect(after.refreshToken).not.toBe(before.refreshToken);
    await page.getByTestId('status-bar').waitFor();
    expect(await page.getByRole('button', { name: 'Se connecter' }).count()).toBe(0);
    await context.close();
  });

  it('a phone the admin revoked is signed out at its next sync, and told why in French', async () => {
    const vendor = await api.createUser('vendeur');
    const { context, page, app } = await signedInPhone(vendor);
    const session = await storedSession(app);
    await api.call('POST', `/api/devices/${session.user.device_id}/revoke/`);
    await expireAccessToken(app);
    await page.reload();
    await page
      .getByTestId('session-notice')
      .filter({ hasText: 'Ce téléphone a été révoqué par l’administrateur' })
      .waitFor();
    await page.getByRole('button', { name: 'Se connecter' }).waitFor();
    expect(await storedSession(app)).toBeNull();
    await context.close();
  });

  it('warns on the order screen, before anything is typed, when the phone is nearly full', async () => {
    const vendor = await api.createUser('vendeur');
    const { context, page } = await signedInPhone(vendor);
    await page.addInitScript(() => {
      // 99.5 MB used of 100: what a phone full of photos and videos reports.
      const estimate = async () => ({ usage: 99.5 * 1024 * 1024, quota: 100 * 1024 * 1024 });
      Object.defineProperty(navigator.storage, 'estimate', { value: estimate });
    });
    await page.reload();
    const general = page.getByRole('alert').filter({ hasText: /presque pleine : synchronisez/ });
    await general.waitFor();
    await page
      .getByRole('link', { name: /Nouvelle/ })
      .first()
      .click();
    await page.getByLabel('Nom du client').waitFor();
    await page
      .getByTestId('storage-warning')
      .filter({ hasText: 'cette commande risque de ne pas pouvoir être enregistrée' })
      .waitFor();
    // One warning at a time: the form's own replaces the general one.
    expect(await general.count()).toBe(0);
    await context.close();
  });

  it('a save refused because the phone is full says so, and the order typed is kept for the next try', async () => {
    const vendor = await api.createUser('vendeur');
    const { context, page, app } = await signedInPhone(vendor);
    await page.addInitScript(() => {
      // The browser refuses new IndexedDB records while `gapalFull` is set, as on a full phone.
      const add = IDBObjectStore.prototype.add;
      IDBObjectStore.prototype.add = function (
        this: IDBObjectStore,
        ...args: Parameters<IDBObjectStore['add']>
      ) {
        if ((window as unknown as { gapalFull?: boolean }).gapalFull) {
          throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        }
        return add.apply(this, args);
      };
    });
    await page.reload();
    await app.waitReady();
    await page.evaluate(() => {
      (window as unknown as { gapalFull: boolean }).gapalFull = true;
    });

    const client = unique('Boutique pleine ');
    await page
      .getByRole('link', { name: /Nouvelle/ })
      .first()
      .click();
    await page.getByLabel('Nom du client').fill(client);
    await app.next();
    await page.getByRole('button', { name: `Plus de ${product.name}` }).click();
    for (let step = 0; step < 4; step += 1) await app.next();
    await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await page.getByTestId('save-error').filter({ hasText: 'Mémoire du téléphone pleine' }).waitFor();
    // Still on the review, with everything typed; nothing reached the outbox.
    expect(await page.getByTestId('review-total').textContent()).toContain('300');
    expect(await app.pending().textContent()).toBe('Tout est envoyé');

    await page.evaluate(() => {
      (window as unknown as { gapalFull: boolean }).gapalFull = false;
    });
    await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await app.card(client).waitFor();
    await expect.poll(() => app.card(client).textContent(), { timeout: 30_000 }).toContain('Envoyée');
    expect(await app.card(client).count()).toBe(1);
    await context.close();
  });
});

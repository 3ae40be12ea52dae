import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VendorApp } from './pages/vendor-app.ts';
import { SeedApi, type SeededProduct, type SeededUser, seedProduct, unique } from './support/api.ts';
import { type GapalServer, startGapal } from './support/gapal-server.ts';
import { phoneProfiles, signedInVendorPhone } from './support/phone.ts';

type Client = { id: string; name: string; phone: string | null };
type Order = { id: string; client_id: string | null; client_name: string; client_phone: string | null };

/** A local number no other run uses: 7 then 7 random digits. */
const localNumber = () => `7${String(Math.floor(Math.random() * 10_000_000)).padStart(7, '0')}`;

describe('vendor app: the client directory on the phone', () => {
  let server: GapalServer;
  let api: SeedApi;
  let vendor: SeededUser;
  let manager: SeededUser;
  let product: SeededProduct;
  const profiles = phoneProfiles('gapal-clients-');

  beforeAll(async () => {
    server = await startGapal();
    api = new SeedApi(server.url);
    vendor = await api.createUser('vendeur', { fullName: 'Awa Ouédraogo' });
    manager = await api.createUser('gestionnaire_commandes');
    product = await seedProduct(api, { name: `Yaourt sucré ${unique('')}`, price: 250, stock: 500 });
  });
  afterAll(async () => {
    await server?.close();
    profiles.removeAll();
  });

  async function managerToken(): Promise<string> {
    return (await api.login(manager.username, manager.password)).access_token;
  }

  async function createClient(fields: {
    name: string;
    phone: string;
    credit_limit?: number;
  }): Promise<Client> {
    return api.call('POST', '/api/clients/', { kind: 'maquis', ...fields }, await managerToken());
  }

  async function serverOrders(search: string): Promise<Order[]> {
    const page = await api.call<{ items: Order[] }>(
      'GET',
      `/api/orders/?search=${encodeURIComponent(search)}&limit=50`,
      undefined,
      await managerToken(),
    );
    return page.items;
  }

  async function serverClients(search: string): Promise<Client[]> {
    const page = await api.call<{ items: Client[] }>(
      'GET',
      `/api/clients/?search=${encodeURIComponent(search)}`,
      undefined,
      await managerToken(),
    );
    return page.items;
  }

  /** From the products step: two pots, then through delivery, payment and notes to « Enregistrer ». */
  async function finishOrder(page: Page, app: VendorApp, client: string): Promise<void> {
    await app.next();
    await page.getByRole('button', { name: `Plus de ${product.name}` }).click();
    await page.getByRole('button', { name: `Plus de ${product.name}` }).click();
    for (let step = 0; step < 4; step += 1) await app.next();
    await page.getByTestId('review-total').waitFor();
    await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await app.card(client).waitFor();
  }

  async function newOrder(page: Page): Promise<void> {
    await page
      .getByRole('link', { name: /Nouvelle/ })
      .first()
      .click();
  }

  async function newClient(page: Page, client: { name: string; phone: string; area: string }) {
    await page.getByRole('button', { name: 'Nouveau client' }).click();
    await page.getByLabel('Nom du client').fill(client.name);
    await page.getByLabel('Téléphone (facultatif)').fill(client.phone);
    await page.getByLabel('Type de client').selectOption('boutique');
    await page.getByLabel('Quartier (facultatif)').fill(client.area);
    await page.getByRole('button', { name: 'Ajouter le client' }).click();
    await expect.poll(() => page.getByTestId('chosen-client').textContent()).toBe(client.name);
  }

  it('offline: finds a synced client whatever the accents and case, shows the balance, makes new clients; online, the orders join their clients', async () => {
    const tag = unique('');
    const adele = await createClient({
      name: `Maquis Chez Adèle ${tag}`,
      phone: localNumber(),
      credit_limit: 400,
    });
    // She already owes 500 on an order the office took: over her limit of 400.
    await api.call(
      'POST',
      '/api/orders/',
      {
        local_id: crypto.randomUUID(),
        client_id: adele.id,
        client_name: adele.name,
        items: [{ product_id: product.id, quantity: 2 }],
      },
      await managerToken(),
    );
    const sidwayaPhone = localNumber();
    const sidwaya = await createClient({ name: `Boutique Sidwaya ${tag}`, phone: sidwayaPhone });

    const { context, page } = await signedInVendorPhone(profiles.make(), server.url, vendor);
    const app = new VendorApp(page);
    await context.setOffline(true);
    await app.network().filter({ hasText: 'Hors ligne' }).waitFor();

    // An existing client, typed without accents and in lower case.
    await newOrder(page);
    await page.getByLabel('Nom du client').fill(`maquis chez adele ${tag}`.toLowerCase());
    await page.getByRole('button', { name: new RegExp(`Maquis Chez Adèle ${tag}`) }).click();
    await expect.poll(() => page.getByTestId('client-balance').textContent()).toMatch(/Doit : 500\sFCFA/);
    await page.getByText('Ce client dépasse sa limite de crédit').waitFor();
    await finishOrder(page, app, adele.name);

    // A new client made offline.
    const zongo = { name: `Épicerie Zongo ${tag}`, phone: localNumber(), area: 'Gounghin' };
    await newOrder(page);
    await newClient(page, zongo);
    await finishOrder(page, app, zongo.name);

    // A new client whose phone the site already has (typed another way).
    const twin = {
      name: `Sidwaya bis ${tag}`,
      phone: `+226 ${sidwayaPhone.replace(/(\d\d)(?=\d)/g, '$1 ')}`,
      area: '',
    };
    await newOrder(page);
    await newClient(page, twin);
    await finishOrder(page, app, twin.name);

    // The new client is found by the search offline too, by its phone's digits.
    await newOrder(page);
    await page.getByLabel('Nom du client').fill(zongo.phone.slice(2));
    await page.getByRole('button', { name: new RegExp(zongo.name) }).waitFor();

    await context.setOffline(false);
    await app.synchronise();
    await app.pending().filter({ hasText: 'Tout est envoyé' }).waitFor();

    const [adeleOrder] = (await serverOrders(adele.name)).filter((order) => order.client_id === adele.id);
    expect((await serverOrders(adele.name)).length).toBe(2);
    expect(adeleOrder).toBeDefined();
    const [zongoClient] = await serverClients(zongo.name);
    expect(zongoClient).toMatchObject({ name: zongo.name, phone: `+226${zongo.phone}` });
    expect(await serverOrders(zongo.name)).toEqual([
      expect.objectContaining({ client_id: zongoClient!.id, client_name: zongo.name }),
    ]);
    expect(await serverOrders(twin.name)).toEqual([
      expect.objectContaining({ client_id: sidwaya.id, client_name: twin.name }),
    ]);
    await context.close();
  });
});

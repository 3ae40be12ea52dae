import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VendorApp } from './pages/vendor-app.ts';
import { SeedApi, type SeededProduct, type SeededUser, seedProduct, unique } from './support/api.ts';
import { SCREENSHOT_DIR, seriousA11yViolations } from './support/browser.ts';
import { type GapalServer, startGapal, WEB_DIST } from './support/gapal-server.ts';
import { launchPhone, phoneProfiles, signedInVendorPhone } from './support/phone.ts';

const SHOTS = path.join(SCREENSHOT_DIR, 'vendor');

type Order = {
  id: string;
  client_name: string;
  delivery_status: string;
  version: number;
  created_by: string;
};

describe('vendor app (/vendeur/)', () => {
  let server: GapalServer;
  let api: SeedApi;
  let vendor: SeededUser;
  let manager: SeededUser;
  let product: SeededProduct;
  const profiles = phoneProfiles();

  beforeAll(async () => {
    server = await startGapal();
    api = new SeedApi(server.url);
    vendor = await api.createUser('vendeur', { fullName: 'Awa Ouédraogo' });
    manager = await api.createUser('gestionnaire_commandes');
    product = await seedProduct(api, { name: `Yaourt sucré ${unique('')}`, price: 250, stock: 500 });
    await seedProduct(api, { name: `Lait caillé ${unique('')}`, price: 600, stock: 80 });
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await server?.close();
    profiles.removeAll();
  });

  /** A new phone (its own browser profile) with `user` signed in and the first sync done. */
  const signedInPhone = (user: SeededUser) => signedInVendorPhone(profiles.make(), server.url, user);

  /** Orders whose client name contains `search`, as a manager sees them through the API. */
  async function serverOrders(search: string): Promise<Order[]> {
    const { access_token } = await api.login(manager.username, manager.password);
    const page = await api.call<{ items: Order[] }>(
      'GET',
      `/api/orders/?search=${encodeURIComponent(search)}&limit=200`,
      undefined,
      access_token,
    );
    return page.items;
  }

  it('works offline, keeps orders across a browser restart, then syncs each exactly once', async () => {
    const profile = profiles.make();
    let context = await launchPhone(profile, server.url);
    let page = context.pages()[0] ?? (await context.newPage());
    let app = new VendorApp(page);
    const shoot = (name: string) =>
      page.screenshot({ path: path.join(SHOTS, `${name}.png`) }).then(() => undefined);

    await app.open();
    await shoot('0-connexion');
    await app.signIn(vendor.username, vendor.password);
    await app.waitReady();

    await context.setOffline(true);
    await page.reload();
    await app.network().filter({ hasText: 'Hors ligne' }).waitFor();

    // Locked, then unlocked with the password checked on the phone, still offline.
    await page.getByRole('button', { name: 'Verrouiller' }).click();
    await page.getByLabel('Mot de passe pour déverrouiller').fill('mauvais-mot-de-passe');
    await page.getByRole('button', { name: 'Déverrouiller' }).click();
    await page.getByText('Mot de passe incorrect.').waitFor();
    await shoot('verrouille');
    await page.reload();
    await page.getByLabel('Mot de passe pour déverrouiller').fill(vendor.password);
    await page.getByRole('button', { name: 'Déverrouiller' }).click();
    await app.network().waitFor();

    const batch = unique('Maquis');
    const clients = [`${batch} A`, `${batch} B`, `${batch} C`];
    const violations: string[] = [];
    await app.createOrder(
      { client: clients[0]!, phone: '70 11 22 33', product: product.name, quantity: 3 },
      async (step) => {
        await shoot(`nouvelle-${step}`);
        for (const v of await seriousA11yViolations(page))
          violations.push(`${step}: ${v.id} ${v.targets.join(',')}`);
      },
    );
    expect(violations).toEqual([]);
    await app.createOrder({ client: clients[1]!, product: product.name, quantity: 1 });
    await app.createOrder({ client: clients[2]!, product: product.name, quantity: 2 });
    await app.pending().filter({ hasText: "3 en attente d'envoi" }).waitFor();
    // No other vendor takes the phone while these are unsent: they would leave under their name.
    await page.getByRole('button', { name: 'Verrouiller' }).click();
    await page.getByRole('button', { name: "Changer d'utilisateur" }).click();
    await page.getByRole('alert').filter({ hasText: '3 commandes ne sont pas encore envoyées.' }).waitFor();
    await page.getByLabel('Mot de passe pour déverrouiller').fill(vendor.password);
    await page.getByRole('button', { name: 'Déverrouiller' }).click();
    await app.network().waitFor();
    await expect.poll(() => app.card(clients[0]!).textContent()).toContain('Sur le téléphone');
    await page.getByRole('link', { name: /Catalogue/ }).click();
    await page.getByTestId('product-row').first().waitFor();
    await shoot('catalogue');
    await page.getByRole('link', { name: /Commandes/ }).click();
    await app.orderCards().first().waitFor();
    await shoot('commandes-hors-ligne');
    expect(await seriousA11yViolations(page)).toEqual([]);

    // The phone is switched off and on again, still with no network.
    await context.close();
    context = await launchPhone(profile, server.url);
    await context.setOffline(true);
    page = context.pages()[0] ?? (await context.newPage());
    app = new VendorApp(page);
    await app.open();
    await app.network().filter({ hasText: 'Hors ligne' }).waitFor();
    for (const client of clients) await app.card(client).waitFor();
    await app.pending().filter({ hasText: "3 en attente d'envoi" }).waitFor();
    expect(await serverOrders(batch)).toEqual([]);

    await context.setOffline(false);
    await app.synchronise();
    await app.pending().filter({ hasText: 'Tout est envoyé' }).waitFor();
    await expect.poll(() => app.card(clients[0]!).textContent()).toContain('Envoyée');
    await shoot('commandes-envoyees');

    const onServer = await serverOrders(batch);
    expect(onServer.map((order) => order.client_name).sort()).toEqual(clients);
    expect(onServer.every((order) => order.delivery_status === 'nouvelle')).toBe(true);
    await context.close();
  });

  it('a phone handed to another vendor shows them their orders only, and the first gets theirs back', async () => {
    const other = await api.createUser('vendeur', { fullName: 'Issa Sawadogo' });
    const { context, app } = await signedInPhone(vendor);
    const mine = unique('Kiosque Awa ');
    await app.createOrder({ client: mine, product: product.name, quantity: 1 });
    await expect.poll(() => app.card(mine).textContent(), { timeout: 15_000 }).toContain('Envoyée');

    await app.switchUser();
    await app.signIn(other.username, other.password);
    await app.waitReady();
    const theirs = unique('Kiosque Issa ');
    await app.createOrder({ client: theirs, product: product.name, quantity: 2 });
    await expect.poll(() => app.card(theirs).textContent(), { timeout: 15_000 }).toContain('Envoyée');
    expect(await app.card(mine).count()).toBe(0);

    await app.switchUser();
    await app.signIn(vendor.username, vendor.password);
    await app.card(mine).waitFor();
    expect(await app.card(theirs).count()).toBe(0);
    expect((await serverOrders(theirs))[0]?.created_by).toBe(other.id);
    await context.close();
  });

  it('a push whose response is lost after the server committed does not create a duplicate', async () => {
    const { context, page, app } = await signedInPhone(vendor);

    let dropped = 0;
    await page.route('**/api/sync/push/**', async (route) => {
      if (dropped > 0) return route.continue();
      // The request reaches the server and commits; the phone never sees the answer.
      await route.fetch();
      dropped += 1;
      await route.abort('connectionreset');
    });
    const client = unique('Boutique perdue ');
    await app.createOrder({ client, product: product.name, quantity: 4 });
    await expect.poll(() => dropped, { timeout: 15_000 }).toBe(1);
    await app.pending().filter({ hasText: 'Tout est envoyé' }).waitFor({ timeout: 30_000 });
    await expect.poll(() => app.card(client).textContent()).toContain('Envoyée');
    expect((await serverOrders(client)).length).toBe(1);
    await context.close();
  });

  it('an edit refused because a manager already prepared the order shows the reason', async () => {
    const { context, page, app } = await signedInPhone(vendor);

    const client = unique('Épicerie ');
    await app.createOrder({ client, product: product.name, quantity: 2 });
    await expect.poll(() => app.card(client).textContent(), { timeout: 15_000 }).toContain('Envoyée');
    const [order] = await serverOrders(client);
    const { access_token } = await api.login(manager.username, manager.password);
    await api.call('PATCH', `/api/orders/${order!.id}/status/`, { status: 'en_preparation' }, access_token);

    // The phone has not heard of it yet: the vendor edits offline, the server refuses later.
    await context.setOffline(true);
    await app.card(client).getByRole('link', { name: 'Modifier' }).click();
    await app.next();
    await page.getByRole('button', { name: `Plus de ${product.name}` }).click();
    for (let i = 0; i < 4; i += 1) await app.next();
    await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await app.card(client).waitFor();
    await context.setOffline(false);
    await app.synchronise();
    const rejection = app.card(client).getByTestId('rejection');
    await rejection.waitFor({ timeout: 15_000 });
    expect(await rejection.textContent()).toContain('le gestionnaire a déjà pris la commande en charge');
    expect(await rejection.textContent()).toContain('Que faire');
    await expect.poll(() => app.card(client).textContent()).toContain('En préparation');
    await page.screenshot({ path: path.join(SHOTS, 'modification-refusee.png') });
    const [after] = await serverOrders(client);
    expect(after!.delivery_status).toBe('en_preparation');
    await context.close();
  });
  it('announces a new version and applies it only when the outbox is empty or the vendor agrees', async () => {
    // A new build gets deployed: this test serves its own copy of the built app from its own
    // server, so that no browser file running beside it ever loads that version.
    const dist = mkdtempSync(path.join(tmpdir(), 'gapal-dist-'));
    cpSync(WEB_DIST, dist, { recursive: true });
    const deployed = await startGapal({ webDist: dist });
    try {
      const deployedApi = new SeedApi(deployed.url);
      const seller = await deployedApi.createUser('vendeur');
      const yoghurt = await seedProduct(deployedApi, { name: `Yaourt ${unique('')}`, price: 250, stock: 50 });
      const { context, page, app } = await signedInVendorPhone(profiles.make(), deployed.url, seller);

      // One order stays on the phone: the server is unreachable for pushes.
      await page.route('**/api/sync/push/**', (route) => route.abort('connectionrefused'));
      const client = unique('Kiosque ');
      await app.createOrder({ client, product: yoghurt.name, quantity: 1 });
      await app.pending().filter({ hasText: "1 en attente d'envoi" }).waitFor();

      // Another service worker script (the precompressed copies removed, as a new build's are new).
      const sw = path.join(dist, 'vendeur', 'sw.js');
      for (const ext of ['.br', '.gz']) rmSync(`${sw}${ext}`, { force: true });
      writeFileSync(sw, `${readFileSync(sw, 'utf8')}\n// new version ${Date.now()}\n`);
      await page.evaluate(async () => {
        (window as unknown as { marker: number }).marker = 42;
        await (await navigator.serviceWorker.getRegistration('/vendeur/'))?.update();
      });
      await page.getByText('Nouvelle version prête').waitFor();
      // Nothing reloaded by itself: the page (and its state) is the same.
      expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
      await page.screenshot({ path: path.join(SHOTS, 'mise-a-jour.png') });

      await page.getByRole('button', { name: 'Mettre à jour' }).click();
      await page.waitForFunction(() => (window as unknown as { marker?: number }).marker === undefined);
      await app.card(client).waitFor();
      // The reopened app counts its outbox once the list shows: the order is still there, unsent.
      await app.pending().filter({ hasText: "1 en attente d'envoi" }).waitFor();
      await context.close();
    } finally {
      await deployed.close();
      rmSync(dist, { recursive: true, force: true });
    }
  });
});

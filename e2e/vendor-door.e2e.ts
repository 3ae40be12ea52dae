import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginPage } from './pages/login-page.ts';
import { VendorDoor } from './pages/vendor-door.ts';
import { SeedApi, type SeededProduct, type SeededUser, seedProduct, unique } from './support/api.ts';
import { launchBrowser, newContext, seriousA11yViolations } from './support/browser.ts';
import { type GapalServer, startGapal } from './support/gapal-server.ts';
import { launchPhone, phoneProfiles } from './support/phone.ts';

type ServerOrder = {
  id: string;
  number: string;
  client_name: string;
  notes: string | null;
  paid_amount: number;
  payments: { amount: number; method: string; recorded_by_name: string | null; device_name: string | null }[];
};

/** A French amount as the app writes it, whatever space Intl puts between the thousands. */
const amount = (digits: string) => new RegExp(`${digits.replace(' ', '\\s')}\\sFCFA`);

describe('vendor app at the customer’s door', () => {
  let server: GapalServer;
  let api: SeedApi;
  let browser: Browser;
  let vendor: SeededUser;
  let manager: SeededUser;
  /** 7 in stock. */
  let scarce: SeededProduct;
  const profiles = phoneProfiles('gapal-door-');

  beforeAll(async () => {
    server = await startGapal();
    api = new SeedApi(server.url);
    browser = await launchBrowser();
    vendor = await api.createUser('vendeur', { fullName: 'Awa Ouédraogo' });
    manager = await api.createUser('gestionnaire_commandes');
    scarce = await seedProduct(api, { name: `Yaourt nature ${unique('')}`, price: 250, stock: 7 });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    profiles.removeAll();
  });

  async function signedInPhone(options: { stubShare?: boolean } = {}) {
    const context = await launchPhone(profiles.make(), server.url);
    if (options.stubShare) {
      // The phone's share sheet is the one thing outside the system: a stub records what it gets.
      await context.addInitScript(() => {
        const shared: string[] = [];
        Object.assign(window, { sharedTexts: shared });
        Object.defineProperty(navigator, 'share', {
          configurable: true,
          value: async (data: ShareData) => {
            shared.push(data.text ?? '');
          },
        });
      });
    }
    const page = context.pages()[0] ?? (await context.newPage());
    const app = new VendorDoor(page);
    await app.open();
    await app.signIn(vendor.username, vendor.password);
    await app.waitReady();
    return { context, page, app };
  }

  async function managerToken(): Promise<string> {
    return (await api.login(manager.username, manager.password)).access_token;
  }

  async function serverOrder(client: string): Promise<ServerOrder> {
    const token = await managerToken();
    const list = await api.call<{ items: { id: string }[] }>(
      'GET',
      `/api/orders/?search=${encodeURIComponent(client)}`,
      undefined,
      token,
    );
    return api.call<ServerOrder>('GET', `/api/orders/${list.items[0]!.id}/`, undefined, token);
  }

  it('shows the stock the phone knows with its time, and warns above it without blocking', async () => {
    const { context, app } = await signedInPhone();
    const client = unique('Maquis du Stock ');
    await app.startOrder(client);
    await expect.poll(() => app.productRow(scarce.name).textContent()).toMatch(/Stock à \d{2}:\d{2} : 7 pot/);

    await app.setQuantity(scarce.name, 7);
    expect(await app.stockWarning().count()).toBe(0);
    await app.setQuantity(scarce.name, 10);
    await app.productRow(scarce.name).getByTestId('stock-warning').waitFor();
    expect(await app.productRow(scarce.name).getByTestId('stock-warning').textContent()).toBe(
      'Plus que le stock connu (7) : la commande pourra être refusée à la livraison.',
    );

    await app.toReview();
    const review = await app.stockWarning().textContent();
    expect(review).toContain('La commande pourra être refusée à la livraison');
    expect(review).toContain(`${scarce.name} : 10 demandés, 7 en stock`);
    await app.save(client);
    await expect.poll(() => app.card(client).textContent(), { timeout: 15_000 }).toContain('Envoyée');
    await context.close();
  });

  it('takes cash offline with the order; once synced the dashboard shows who took it and on which phone', async () => {
    const { context, page, app } = await signedInPhone();
    const client = unique('Boutique Espèces ');
    await context.setOffline(true);
    await page.reload();
    await app.network().filter({ hasText: 'Hors ligne' }).waitFor();

    await app.startOrder(client);
    await app.setQuantity(scarce.name, 4); // 1 000 FCFA
    await app.next();
    await app.next();
    await page.getByRole('button', { name: 'Payé', exact: true }).click();
    expect(await app.amountField().inputValue()).toBe('1000');
    await app.fillPayment({ amount: 600, method: 'Espèces' });
    expect(await seriousA11yViolations(page)).toEqual([]);
    await app.next();
    await app.next();
    expect(await page.getByText('Payé 600').textContent()).toMatch(/Payé 600\sFCFA \(Espèces\)/);
    await app.save(client);
    // The order and its payment wait together, in order, in the outbox.
    const outbox = await page.evaluate(
      () =>
        new Promise<{ name: string; seq: number; args: { amount?: number } }[]>((resolve, reject) => {
          const open = indexedDB.open('gapal-vendeur');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const read = open.result.transaction('outbox').objectStore('outbox').getAll();
            read.onsuccess = () => resolve(read.result);
            read.onerror = () => reject(read.error);
          };
        }),
    );
    const pending = outbox.slice(-2);
    expect(pending.map((entry) => entry.name)).toEqual(['create_order', 'record_payment']);
    expect(pending[1]!.seq).toBe(pending[0]!.seq + 1);
    expect(pending[1]!.args.amount).toBe(600);
    await app.pending().filter({ hasText: "2 en attente d'envoi" }).waitFor();

    await context.setOffline(false);
    await app.synchronise();
    await app.pending().filter({ hasText: 'Tout est envoyé' }).waitFor({ timeout: 30_000 });
    await expect.poll(() => app.card(client).textContent()).toContain('Payée en partie');
    const order = await serverOrder(client);
    expect(order.paid_amount).toBe(600);
    expect(order.payments).toEqual([
      expect.objectContaining({
        amount: 600,
        method: 'especes',
        recorded_by_name: 'Awa Ouédraogo',
        device_name: `Téléphone de ${vendor.username}`,
      }),
    ]);
    // A payment, not a line in the notes.
    expect(order.notes).toBeNull();

    const desk = await newContext(browser, server.url);
    const dashboard = await desk.newPage();
    const login = new LoginPage(dashboard);
    await login.open();
    await login.signIn(manager.username, manager.password);
    await dashboard.getByTestId('current-user').waitFor();
    await dashboard.goto(`/commandes/${order.id}`);
    const recorder = dashboard.getByTestId('order-payment').getByTestId('payment-recorder');
    await recorder.waitFor();
    expect(await recorder.textContent()).toBe(`Par Awa Ouédraogo depuis Téléphone de ${vendor.username}`);
    await desk.close();
    await context.close();
  });

  it('shows on the card a delivery refused for lack of stock, and a payment refused above the balance', async () => {
    const { context, app } = await signedInPhone();
    const client = unique('Kiosque Refus ');
    await app.startOrder(client);
    await app.setQuantity(scarce.name, 12); // 3 000 FCFA, more than the 7 in stock
    await app.toReview();
    await app.save(client);
    await expect.poll(() => app.card(client).textContent(), { timeout: 15_000 }).toContain('Envoyée');

    // The phone takes the whole balance offline while the depot records part of it.
    await context.setOffline(true);
    await app.takePayment(client, {});
    const order = await serverOrder(client);
    const token = await managerToken();
    await api.call('PATCH', `/api/orders/${order.id}/payment/`, { amount: 1000, method: 'especes' }, token);
    for (const status of ['en_preparation', 'en_cours']) {
      await api.call('PATCH', `/api/orders/${order.id}/status/`, { status }, token);
    }
    await expect(
      api.call('PATCH', `/api/orders/${order.id}/status/`, { status: 'livree' }, token),
    ).rejects.toThrow(/409.*insufficient_stock/);

    await context.setOffline(false);
    await app.synchronise();
    const issue = app.card(client).getByTestId('delivery-issue');
    await issue.waitFor({ timeout: 15_000 });
    expect(await issue.textContent()).toMatch(
      new RegExp(
        `^Livraison refusée le \\d{2}/\\d{2}/\\d{4} \\d{2}:\\d{2}\\.Stock insuffisant : ${scarce.name} \\(demandé : 12, disponible : \\d+\\)\\.`,
      ),
    );
    const rejection = app.card(client).getByTestId('rejection');
    await rejection.waitFor();
    expect(await rejection.textContent()).toContain(
      'Le paiement a été refusé : Le montant dépasse le solde restant (2 000).',
    );
    await expect.poll(() => app.card(client).textContent()).toContain('Payée en partie');
    expect((await serverOrder(client)).paid_amount).toBe(1000);
    await context.close();
  });

  it('shares a French receipt through the phone’s share sheet', async () => {
    const { context, page, app } = await signedInPhone({ stubShare: true });
    const client = unique('Épicerie Reçu ');
    await app.startOrder(client);
    await app.setQuantity(scarce.name, 4);
    await app.toReview({ amount: 400, method: 'Orange Money', reference: 'OM241207.1405.A1' });
    await app.save(client);
    await expect.poll(() => app.card(client).textContent(), { timeout: 15_000 }).toContain('Payée en partie');
    const { number } = await serverOrder(client);
    await app.card(client).getByRole('button', { name: 'Encaisser' }).click();
    await app.card(client).getByTestId('card-payment').waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await app.card(client).getByRole('button', { name: 'Fermer' }).click();

    await app.card(client).getByRole('button', { name: 'Partager le reçu' }).click();
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { sharedTexts: string[] }).sharedTexts.length))
      .toBe(1);
    const text = await page.evaluate(() => (window as unknown as { sharedTexts: string[] }).sharedTexts[0]!);
    const lines = text.split('\n');
    expect(lines[0]).toBe('Gapal du Faso');
    expect(lines[1]).toBe(`Reçu de commande ${number}`);
    expect(lines[2]).toMatch(/^Date : \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
    expect(lines[3]).toBe(`Client : ${client}`);
    expect(text).toMatch(
      new RegExp(`4 × ${scarce.name} à ${amount('250').source} = ${amount('1 000').source}`),
    );
    expect(text).toMatch(new RegExp(`Total : ${amount('1 000').source}`));
    expect(text).toMatch(new RegExp(`Payé : ${amount('400').source}`));
    expect(text).toMatch(new RegExp(`Reste à payer : ${amount('600').source}`));
    await context.close();
  });
});

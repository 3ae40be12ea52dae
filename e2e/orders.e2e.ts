import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NewOrderPage, OrderDetailPage, OrdersListPage, StockPage } from './pages/orders-pages.ts';
import { seedOrder, seedProduct, unique } from './support/api.ts';
import { screenshot, seriousA11yViolations } from './support/browser.ts';
import { useE2e } from './support/fixtures.ts';
import { ADMIN } from './support/gapal-server.ts';

const text = (value: string | null) => (value ?? '').replace(/\s+/g, ' ').trim();

describe('orders', () => {
  const e2e = useE2e();

  it('creates an order, delivers it, and the stock and the ledger show the exit with before and after', async () => {
    const product = await seedProduct(e2e.api, {
      name: `Lait caillé ${unique('')}`,
      price: 600,
      stock: 50,
      barcode: `618${Date.now().toString().slice(-9)}`,
    });
    await e2e.signIn(ADMIN);
    const form = new NewOrderPage(e2e.page);
    await form.open();
    await form.addProduct('Lait caillé', product.name);
    await form.setQuantity(product.name, 3);
    expect(text(await form.total().textContent())).toBe('1 800 FCFA');
    await form.fillClient({ name: 'Boutique Wendkouni', phone: '70 11 22 33' });
    await screenshot(e2e.page, 'order-new');
    expect(await seriousA11yViolations(e2e.page)).toEqual([]);
    await form.submit();

    const detail = new OrderDetailPage(e2e.page);
    await detail.heading().filter({ hasText: /^CMD-/ }).waitFor();
    const number = text(await detail.heading().textContent());
    await detail.moveTo('En préparation');
    await detail.moveTo('En livraison');
    await detail.moveTo('Livrée');
    await e2e.page.getByTestId('order-history-entry').first().waitFor();
    await screenshot(e2e.page, 'order-detail');
    expect(await seriousA11yViolations(e2e.page)).toEqual([]);

    // The product's stock went down by exactly the delivered quantity.
    await e2e.page.goto('/produits');
    await e2e.page.getByRole('searchbox').fill(product.name);
    const row = e2e.page.getByTestId(`product-row-${product.name}`);
    await row.getByTestId('product-stock').filter({ hasText: '47' }).waitFor();

    // The ledger shows the sale with the order number, before 50 and after 47.
    const stock = new StockPage(e2e.page);
    await stock.open();
    await stock.openMovements();
    await e2e.page.getByLabel('Document de référence').fill(number);
    // The filter is applied on the server: only this order's sale is left.
    await expect.poll(() => stock.movementRows().count()).toBe(1);
    const movement = stock.movementRows().filter({ hasText: 'Vente' });
    expect(text(await movement.getByTestId('movement-before').textContent())).toBe('50');
    expect(text(await movement.getByTestId('movement-after').textContent())).toBe('47');
    expect(text(await movement.textContent())).toContain('-3');
    await screenshot(e2e.page, 'stock-movements');
    // The CSV export carries the same selection.
    const [download] = await Promise.all([
      e2e.page.waitForEvent('download'),
      e2e.page.getByRole('button', { name: 'Exporter en CSV' }).click(),
    ]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv).toContain(number);
    expect(csv.trim().split('\n')).toHaveLength(2);

    // The delivery note prints the order.
    await e2e.page.goBack();
    await e2e.page.goto('/commandes');
    await new OrdersListPage(e2e.page).row(number).getByRole('link').click();
    await e2e.page.getByRole('link', { name: 'Bon de livraison' }).click();
    await e2e.page.getByRole('heading', { name: 'Bon de livraison' }).waitFor();
    await e2e.page.getByText('Signature du client').waitFor();
    await screenshot(e2e.page, 'order-delivery-note');
    // Printed, the note stands alone: no menu, no top bar.
    await e2e.page.emulateMedia({ media: 'print' });
    expect(await e2e.page.getByRole('navigation', { name: 'Navigation principale' }).isVisible()).toBe(false);
    expect(await e2e.page.getByRole('button', { name: 'Imprimer le bon de livraison' }).isVisible()).toBe(
      false,
    );
    await screenshot(e2e.page, 'order-delivery-note-print');
  });

  it('edits a new order: its products keep their price, a product is added, then it is locked once prepared', async () => {
    const manager = await e2e.api.createUser('gestionnaire_commandes');
    const yaourt = await seedProduct(e2e.api, { name: `Yaourt nature ${unique('')}`, price: 500, stock: 20 });
    const order = await seedOrder(e2e.api, [{ product_id: yaourt.id, quantity: 2 }], {
      clientName: 'Maquis Le Baobab',
    });
    // The product's price rises after the order: the order keeps the price it was made at.
    await e2e.api.call('PUT', `/api/products/${yaourt.id}/`, { unit_price: 700 });
    const lait = await seedProduct(e2e.api, { name: `Lait frais ${unique('')}`, price: 300, stock: 10 });

    await e2e.signIn(manager);
    await e2e.page.goto(`/commandes/${order.id}`);
    await e2e.page.getByRole('link', { name: 'Modifier', exact: true }).click();
    await e2e.page.getByRole('heading', { name: `Modifier ${order.number}`, level: 1 }).waitFor();
    const form = new NewOrderPage(e2e.page);
    expect(await form.lines().count()).toBe(1);
    expect(text(await form.total().textContent())).toBe('1 000 FCFA');
    // Removed and picked again, the yaourt keeps the price it was ordered at.
    await e2e.page.getByRole('button', { name: `Retirer ${yaourt.name}` }).click();
    await form.addProduct(yaourt.name, yaourt.name);
    await form.setQuantity(yaourt.name, 3);
    await form.addProduct('Lait frais', lait.name);
    // 3 × 500 (the frozen price) + 1 × 300.
    expect(text(await form.total().textContent())).toBe('1 800 FCFA');
    await e2e.page.getByLabel('Client', { exact: true }).fill('Maquis Le Baobab (Secteur 4)');
    expect(await seriousA11yViolations(e2e.page)).toEqual([]);
    await e2e.page.getByRole('button', { name: 'Enregistrer les modifications' }).click();

    const detail = new OrderDetailPage(e2e.page);
    await detail.heading().filter({ hasText: order.number }).waitFor();
    await e2e.page.getByTestId('order-total').filter({ hasText: '1 800 FCFA' }).waitFor();
    await e2e.page.getByText('Maquis Le Baobab (Secteur 4)').waitFor();
    const saved = await e2e.api.call('GET', `/api/orders/${order.id}/`);
    expect(saved.version).toBe(2);
    expect(saved.total_amount).toBe(1800);
    expect(
      saved.items.map((item: { product_id: string; quantity: number; unit_price: number }) => [
        item.product_id,
        item.quantity,
        item.unit_price,
      ]),
    ).toEqual(
      expect.arrayContaining([
        [yaourt.id, 3, 500],
        [lait.id, 1, 300],
      ]),
    );

    // Once in preparation the order is no longer editable: no link, and the page says why.
    await detail.moveTo('En préparation');
    await expect.poll(() => e2e.page.getByRole('link', { name: 'Modifier', exact: true }).count()).toBe(0);
    await e2e.page.goto(`/commandes/${order.id}/modifier`);
    await e2e.page.getByRole('alert').filter({ hasText: 'ne se modifie plus' }).waitFor();
  });

  it('records a partial then a full payment with the mobile-money reference', async () => {
    const manager = await e2e.api.createUser('gestionnaire_commandes', { fullName: 'Issa Kaboré' });
    const product = await seedProduct(e2e.api, { price: 1500, stock: 20 });
    const order = await seedOrder(e2e.api, [{ product_id: product.id, quantity: 5 }], {
      clientName: 'Kiosque Tanga',
    });
    expect(order.total_amount).toBe(7500);
    await e2e.signIn(manager);
    const list = new OrdersListPage(e2e.page);
    await list.open();
    const row = list.row(order.number);
    await row.getByText('Non payée').waitFor();

    await row.getByRole('button', { name: `Encaisser — ${order.number}` }).click();
    const dialog = e2e.page.getByRole('dialog');
    await dialog.getByLabel('Montant (FCFA)').fill('5000');
    await dialog.getByLabel('Mode de paiement').selectOption({ label: 'Orange Money' });
    await dialog.getByLabel('Référence mobile money').fill('PP261121.1530.C98765');
    await dialog.getByRole('button', { name: 'Encaisser' }).click();
    await row.getByText('Partielle').waitFor();
    expect(text(await row.textContent())).toContain('2 500 FCFA');

    // Paying more than the balance is refused, and the reason is shown next to the amount.
    await row.getByRole('button', { name: `Encaisser — ${order.number}` }).click();
    await dialog.getByLabel('Montant (FCFA)').fill('9000');
    await dialog.getByRole('button', { name: 'Encaisser' }).click();
    await dialog.getByRole('alert').waitFor();
    await dialog.getByLabel('Montant (FCFA)').fill('2500');
    await dialog.getByRole('button', { name: 'Encaisser' }).click();
    await row.getByText('Payée', { exact: true }).waitFor();
    await screenshot(e2e.page, 'orders-list');
    expect(await seriousA11yViolations(e2e.page)).toEqual([]);

    await row.getByRole('link').click();
    await e2e.page.getByTestId('order-payment').nth(1).waitFor();
    expect(text(await e2e.page.getByTestId('order-balance').textContent())).toBe('0 FCFA');
    expect(
      text(await e2e.page.getByTestId('order-payment').filter({ hasText: 'Orange Money' }).textContent()),
    ).toContain('PP261121.1530.C98765');
  });

  it('filters the list by planned delivery date on the server', async () => {
    const manager = await e2e.api.createUser('gestionnaire_commandes');
    const product = await seedProduct(e2e.api, { stock: 30 });
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const soon = await seedOrder(e2e.api, [{ product_id: product.id, quantity: 1 }], {
      clientName: 'Boutique Nabonswendé',
      deliveryDate: day(40),
    });
    const later = await seedOrder(e2e.api, [{ product_id: product.id, quantity: 1 }], {
      clientName: 'Boutique Relwendé',
      deliveryDate: day(50),
    });
    await e2e.signIn(manager);
    const list = new OrdersListPage(e2e.page);
    await list.open();
    await list.row(later.number).waitFor();
    await list.dateFilter('Livraison prévue', 'Livraison du').fill(day(39));
    await list.dateFilter('Livraison prévue', 'au').fill(day(41));
    await list.row(soon.number).waitFor();
    await expect.poll(() => list.row(later.number).count()).toBe(0);
    await expect
      .poll(async () => text(await e2e.page.getByTestId('order-count').textContent()))
      .toMatch(/^1 commande\b/);
  });

  it('filters the list by vendor', async () => {
    const manager = await e2e.api.createUser('gestionnaire_commandes');
    const vendor = await e2e.api.createUser('vendeur', { fullName: 'Salimata Zongo' });
    const product = await seedProduct(e2e.api, { stock: 30 });
    const vendorToken = (await e2e.api.login(vendor.username, vendor.password)).access_token;
    const hers = await seedOrder(e2e.api, [{ product_id: product.id, quantity: 1 }], {
      clientName: 'Épicerie Wendpanga',
      token: vendorToken,
    });
    const other = await seedOrder(e2e.api, [{ product_id: product.id, quantity: 1 }], {
      clientName: 'Épicerie Nongma',
    });
    await e2e.signIn(manager);
    const list = new OrdersListPage(e2e.page);
    await list.open();
    await list.row(other.number).waitFor();
    await e2e.page.getByLabel('Vendeur', { exact: true }).selectOption({ label: 'Salimata Zongo' });
    await list.row(hers.number).waitFor();
    await expect.poll(() => list.row(other.number).count()).toBe(0);
    await expect
      .poll(async () => text(await e2e.page.getByTestId('order-count').textContent()))
      .toMatch(/^1 commande\b/);
  });

  it("narrows the admin's list to one site, each row naming its site", async () => {
    const branch = await e2e.api.call('POST', '/api/sites/', {
      name: `Réo ${unique('')}`,
      code: unique('REO').slice(0, 12).toUpperCase(),
    });
    const product = await seedProduct(e2e.api, { stock: 10 });
    await seedOrder(e2e.api, [{ product_id: product.id, quantity: 1 }], { clientName: 'Boutique du Centre' });
    // Numbers run per site and day: the branch's order may share a number with one of Koudougou's.
    await e2e.api.call('POST', '/api/orders/', {
      local_id: crypto.randomUUID(),
      client_name: 'Boutique de Réo',
      site_id: branch.id,
      items: [{ product_id: product.id, quantity: 1 }],
    });
    await e2e.signIn(ADMIN);
    await new OrdersListPage(e2e.page).open();
    const row = (client: string) => e2e.page.getByRole('row').filter({ hasText: client });
    await row('Boutique de Réo').getByText(branch.name).waitFor();
    await row('Boutique du Centre').getByText('Koudougou').waitFor();

    await e2e.page.getByLabel('Site', { exact: true }).selectOption({ label: branch.name });
    await expect.poll(() => row('Boutique du Centre').count()).toBe(0);
    await row('Boutique de Réo').waitFor();
    await expect
      .poll(async () => text(await e2e.page.getByTestId('order-count').textContent()))
      .toMatch(/^1 commande\b/);
  });

  it("takes and edits an admin's order for another site, showing that site's stock", async () => {
    const branch = await e2e.api.call('POST', '/api/sites/', {
      name: `Réo ${unique('')}`,
      code: unique('REO').slice(0, 12).toUpperCase(),
    });
    const product = await seedProduct(e2e.api, { name: `Dèguè ${unique('')}`, price: 400, stock: 30 });
    await e2e.api.call('POST', '/api/stock/entry/', {
      site_id: branch.id,
      reference: 'BL-REO',
      items: [{ product_id: product.id, quantity: 7 }],
    });
    await e2e.signIn(ADMIN);
    const form = new NewOrderPage(e2e.page);
    await form.open();
    await e2e.page.getByLabel('Site', { exact: true }).selectOption({ label: branch.name });
    await form.addProduct('Dèguè', product.name);
    // The branch's stock, not the admin's own site's 30.
    await form.lines().getByText('Disponible : 7').waitFor();
    await form.fillClient({ name: 'Kiosque de Réo' });
    await form.submit();
    await new OrderDetailPage(e2e.page).heading().filter({ hasText: /^CMD-/ }).waitFor();
    const id = e2e.page.url().split('/').at(-1)!;
    const order = await e2e.api.call('GET', `/api/orders/${id}/`);
    expect(order.site_id).toBe(branch.id);
    expect(order.client_name).toBe('Kiosque de Réo');

    // Edited, the order's products are still picked with its site's stock.
    await e2e.page.getByRole('link', { name: 'Modifier', exact: true }).click();
    await e2e.page.getByRole('button', { name: `Retirer ${product.name}` }).click();
    await form.addProduct(product.name, product.name);
    await form.lines().getByText('Disponible : 7').waitFor();
  });

  it('says "plus de 10 000 commandes" when the count stops at its cap', async () => {
    const manager = await e2e.api.createUser('gestionnaire_commandes');
    await e2e.signIn(manager);
    // The server stops counting at 10 000 (tested on both databases in order-list.test.ts);
    // here its capped answer, without seeding 10 001 orders through the API.
    await e2e.page.route('**/api/orders/count/**', (route) =>
      route.fulfill({ json: { count: 10_000, capped: true } }),
    );
    await new OrdersListPage(e2e.page).open();
    await expect
      .poll(async () => text(await e2e.page.getByTestId('order-count').textContent()))
      .toBe('plus de 10 000 commandes');
  });

  it('shows an order created by another client in an open table, without a reload', async () => {
    const manager = await e2e.api.createUser('gestionnaire_commandes');
    const vendor = await e2e.api.createUser('vendeur', { fullName: 'Boukary Sawadogo' });
    const product = await seedProduct(e2e.api, { stock: 30 });
    await e2e.signIn(manager);
    const list = new OrdersListPage(e2e.page);
    await list.open();
    await e2e.page.getByTestId('order-count').filter({ hasText: 'commande' }).waitFor();
    const before = text(await e2e.page.getByTestId('order-count').textContent());

    const vendorToken = (await e2e.api.login(vendor.username, vendor.password)).access_token;
    const order = await seedOrder(e2e.api, [{ product_id: product.id, quantity: 2 }], {
      clientName: 'Alimentation Sya',
      token: vendorToken,
      priority: 'haute',
    });
    // Within the socket's delay, far below the 30 s fallback poll.
    await list.row(order.number).waitFor({ timeout: 10_000 });
    expect(text(await list.row(order.number).textContent())).toContain('Alimentation Sya');
    expect(text(await e2e.page.getByTestId('order-count').textContent())).not.toBe(before);
    // The bell counts the new order too.
    await e2e.page.getByTestId('notification-badge').waitFor();
  });

  it('refetches an open list about once a second through a burst of new orders, then shows them all', async () => {
    const manager = await e2e.api.createUser('gestionnaire_commandes');
    const vendor = await e2e.api.createUser('vendeur');
    const product = await seedProduct(e2e.api, { stock: 100 });
    await e2e.signIn(manager);
    await new OrdersListPage(e2e.page).open();
    const countText = e2e.page.getByTestId('order-count');
    await countText.filter({ hasText: 'commande' }).waitFor();
    const countShown = async () => Number((await countText.textContent())!.replace(/\D/g, ''));
    const before = await countShown();
    const listRequests: string[] = [];
    e2e.page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/api/orders/') listRequests.push(request.url());
    });

    // A phone back online sends its orders together: one notification per order.
    const vendorToken = (await e2e.api.login(vendor.username, vendor.password)).access_token;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        seedOrder(e2e.api, [{ product_id: product.id, quantity: 1 }], {
          clientName: `Rafale ${i}`,
          token: vendorToken,
        }),
      ),
    );
    await expect.poll(countShown, { timeout: 15_000 }).toBe(before + 30);
    const seconds = (Date.now() - started) / 1000;
    // One refetch per second at most (and the first at once), not one per order.
    expect(listRequests.length).toBeLessThanOrEqual(Math.ceil(seconds) + 2);
    expect(listRequests.length).toBeGreaterThan(0);
  });
});

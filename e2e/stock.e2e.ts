import { describe, expect, it } from 'vitest';
import { StockPage } from './pages/orders-pages.ts';
import { seedOrder, seedProduct, unique } from './support/api.ts';
import { screenshot, seriousA11yViolations } from './support/browser.ts';
import { useE2e } from './support/fixtures.ts';

const text = (value: string | null) => (value ?? '').replace(/\s+/g, ' ').trim();

function isoDay(offsetDays: number): string {
  const date = new Date();
  date.setUTCDate(date.getUTCDate() + offsetDays);
  return date.toISOString().slice(0, 10);
}

describe('stock', () => {
  const e2e = useE2e();

  it('puts a low-stock alert in the bell when an exit crosses the threshold', async () => {
    const manager = await e2e.api.createUser('gestionnaire_stocks', { fullName: 'Mariam Zongo' });
    const product = await seedProduct(e2e.api, { name: `Dégué mil ${unique('')}`, stock: 12, threshold: 10 });
    await e2e.signIn(manager);
    const stock = new StockPage(e2e.page);
    await stock.open();
    await e2e.page.getByTestId('low-stock-list').getByText('Aucun produit sous son seuil').waitFor();

    await e2e.page.getByRole('button', { name: 'Sortie de stock' }).click();
    const dialog = e2e.page.getByRole('dialog');
    await dialog.getByLabel('Produit').selectOption({ label: `${product.name} (12 pot)` });
    await dialog.getByLabel('Quantité').fill('1');
    await dialog.getByLabel('Motif').fill('Échantillon pour la foire');
    await dialog.getByRole('button', { name: 'Enregistrer' }).click();
    await dialog.waitFor({ state: 'hidden' });

    // A delivery elsewhere takes the stock from 11 to 7, under the threshold of 10: the server
    // pushes the alert to the stock managers of the site while this screen is open.
    // (Manual exits through /api/stock/exit/ don't notify yet: a server gap, see the report.)
    const order = await seedOrder(e2e.api, [{ product_id: product.id, quantity: 4 }]);
    for (const status of ['en_preparation', 'en_cours', 'livree']) {
      await e2e.api.call('PATCH', `/api/orders/${order.id}/status/`, { status });
    }
    await e2e.page.getByTestId('low-stock-list').getByText(product.name).waitFor();
    await e2e.page.getByTestId('notification-badge').waitFor({ timeout: 10_000 });
    await e2e.page.getByTestId('notification-bell').click();
    const item = e2e.page.getByTestId('notification-item').filter({ hasText: product.name });
    await item.waitFor();
    await screenshot(e2e.page, 'notifications');
    await e2e.page.getByRole('button', { name: 'Tout marquer comme lu' }).click();
    await e2e.page.getByTestId('notification-badge').waitFor({ state: 'detached' });
  });

  it('records an entry with the expiry proposed from the shelf life, then writes off an expired lot in one click', async () => {
    const manager = await e2e.api.createUser('gestionnaire_stocks');
    const product = await seedProduct(e2e.api, { name: `Lait frais ${unique('')}`, shelfLifeDays: 5 });
    const expiredCode = unique('PER-');
    await e2e.api.call('POST', '/api/stock/entry/', {
      reference: 'BL-ANCIEN',
      items: [
        {
          product_id: product.id,
          quantity: 8,
          lot_code: expiredCode,
          expiry_date: isoDay(-2),
          allow_past_expiry: true,
        },
      ],
    });
    await e2e.signIn(manager);
    const stock = new StockPage(e2e.page);
    await stock.open();

    await e2e.page.getByRole('button', { name: 'Entrée de stock' }).click();
    const dialog = e2e.page.getByRole('dialog');
    await dialog.getByLabel('Produit').selectOption({ label: `${product.name} (8 pot)` });
    // Five days of shelf life: the expiry is proposed, and stays editable.
    expect(await dialog.getByLabel('Date de péremption').inputValue()).toBe(isoDay(5));
    const freshCode = unique('L-');
    await dialog.getByLabel('Quantité').fill('40');
    await dialog.getByLabel('Code du lot').fill(freshCode);
    await dialog.getByLabel('Document de référence').fill('BL-2026-118');
    await screenshot(e2e.page, 'stock-entry');
    await dialog.getByRole('button', { name: 'Enregistrer' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const expired = e2e.page.getByTestId(`lot-${expiredCode}`);
    await expired.getByText(/Périmé depuis 2 j/).waitFor();
    await screenshot(e2e.page, 'stock-alerts');
    expect(await seriousA11yViolations(e2e.page)).toEqual([]);

    await e2e.page.getByRole('button', { name: /Rebut des lots périmés/ }).click();
    await e2e.page.getByRole('dialog').getByRole('button', { name: 'Mettre au rebut' }).click();
    await expired.waitFor({ state: 'detached' });

    // The product keeps only the fresh lot: 40 in stock, nothing expired.
    await e2e.page.goto('/produits');
    await e2e.page.getByRole('searchbox').fill(product.name);
    const row = e2e.page.getByTestId(`product-row-${product.name}`);
    await row.getByTestId('product-stock').filter({ hasText: /^40$/ }).waitFor();
    await row.getByRole('button', { name: `Lots — ${product.name}` }).click();
    const lots = e2e.page.getByTestId('lot-row');
    await lots.first().waitFor();
    expect(await lots.count()).toBe(1);
    expect(text(await lots.first().textContent())).toContain(freshCode);
    await screenshot(e2e.page, 'product-lots');
  });
});

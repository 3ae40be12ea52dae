import { describe, expect, it } from 'vitest';
import { seedOrder, seedProduct, unique } from './support/api.ts';
import { screenshot, seriousA11yViolations } from './support/browser.ts';
import { useE2e } from './support/fixtures.ts';
import { ADMIN } from './support/gapal-server.ts';

const text = (value: string | null) => (value ?? '').replace(/\s+/g, ' ').trim();

describe('order money', () => {
  const e2e = useE2e();

  it('a delivered and paid order, a return, then a refund: the order page shows the figures at each step', async () => {
    const product = await seedProduct(e2e.api, { name: `Yaourt ${unique('')}`, price: 1000, stock: 20 });
    const order = await seedOrder(e2e.api, [{ product_id: product.id, quantity: 4 }]);
    for (const status of ['en_preparation', 'en_cours', 'livree'])
      await e2e.api.call('PATCH', `/api/orders/${order.id}/status/`, { status });
    await e2e.api.call('PATCH', `/api/orders/${order.id}/payment/`, { amount: 4000, method: 'especes' });

    await e2e.signIn(ADMIN);
    const page = e2e.page;
    await page.goto(`/commandes/${order.id}`);
    const figure = async (id: string) => text(await page.getByTestId(id).textContent());
    await page.getByTestId('order-total').waitFor();
    expect(await figure('order-paid')).toBe('4 000 FCFA');
    expect(await figure('order-balance')).toBe('0 FCFA');
    expect(await page.getByTestId('order-credit').count()).toBe(0);

    // One pot comes back: the order now asks 3 000, so 1 000 of what was paid is a credit.
    await page.getByRole('button', { name: 'Retour de marchandise' }).click();
    const returnDialog = page.getByRole('dialog');
    await returnDialog.getByLabel(`Retourné — ${product.name}`).fill('1');
    await returnDialog.getByLabel('Motif du retour').fill('Pot abîmé');
    await returnDialog.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByTestId('order-credit').waitFor();
    expect(await figure('order-total')).toBe('4 000 FCFA');
    expect(await figure('order-returned')).toBe('− 1 000 FCFA');
    expect(await figure('order-paid')).toBe('4 000 FCFA');
    expect(await figure('order-balance')).toBe('0 FCFA');
    expect(await figure('order-credit')).toBe('1 000 FCFA');
    await screenshot(page, 'order-credit');
    expect(await seriousA11yViolations(page)).toEqual([]);

    // The credit is refunded in cash, with the receipt's number.
    await page.getByRole('button', { name: 'Rembourser' }).click();
    const refundDialog = page.getByRole('dialog', { name: `Rembourser — ${order.number}` });
    expect(await refundDialog.getByLabel('Montant (FCFA)').inputValue()).toBe('1000');
    await refundDialog.getByLabel('Référence (reçu ou transaction)').fill('Reçu 0042');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await refundDialog.getByRole('button', { name: 'Rembourser' }).click();
    await page.getByTestId('order-credit').waitFor({ state: 'detached' });
    expect(await figure('order-paid')).toBe('3 000 FCFA');
    expect(await figure('order-balance')).toBe('0 FCFA');
    expect(await figure('order-returned')).toBe('− 1 000 FCFA');
    const refund = page.getByTestId('order-payment').filter({ hasText: 'Remboursement' });
    expect(text(await refund.textContent())).toContain('Remboursement · Espèces');
    expect(text(await refund.textContent())).toContain('Reçu 0042');
    expect(text(await refund.textContent())).toMatch(/-1 000 FCFA$/);
    expect(await page.getByRole('button', { name: 'Rembourser' }).count()).toBe(0);
    await screenshot(page, 'order-refunded');
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AppShell } from './pages/app-shell.ts';
import { ReportsPage } from './pages/reports-page.ts';
import { seedOrder, seedProduct, unique } from './support/api.ts';
import { screenshot, seriousA11yViolations } from './support/browser.ts';
import { useE2e } from './support/fixtures.ts';

const text = (value: string | null) => (value ?? '').replace(/\s+/g, ' ').trim();
const fcfa = (value: number) => text(`${new Intl.NumberFormat('fr-FR').format(value)} FCFA`);

describe('reports page', () => {
  const e2e = useE2e();

  it('shows the day to an order manager and exports the orders as CSV', async () => {
    const manager = await e2e.api.createUser('gestionnaire_commandes');
    const token = (await e2e.api.login(manager.username, manager.password)).access_token;
    const product = await seedProduct(e2e.api, { name: `Lait caillé ${unique('')}`, price: 1250, stock: 50 });
    const order = await seedOrder(e2e.api, [{ product_id: product.id, quantity: 10 }], { token });
    await e2e.api.call(
      'PATCH',
      `/api/orders/${order.id}/payment/`,
      { amount: 7500, method: 'orange_money' },
      token,
    );

    await e2e.signIn(manager);
    await new AppShell(e2e.page).goTo('Rapports');
    const reports = new ReportsPage(e2e.page);
    await reports.page.getByRole('heading', { name: 'Rapports', level: 1 }).waitFor();
    const daily = reports.dailySection();
    await daily.getByTestId('summary-orders-count').waitFor();
    expect(text(await daily.getByTestId('summary-orders-count').textContent())).toBe('1');
    expect(text(await daily.getByTestId('summary-orders-amount').textContent())).toBe(fcfa(12_500));
    expect(text(await daily.getByTestId('summary-collected').textContent())).toBe(fcfa(7500));
    expect(text(await daily.getByTestId('summary-collections').textContent())).toContain('Orange Money (1)');
    await daily.getByRole('button', { name: 'Télécharger le PDF' }).waitFor();

    const [download] = await Promise.all([
      e2e.page.waitForEvent('download'),
      reports.exportButton('Rapport des commandes', 'CSV').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^commandes-\d{4}-\d\d-\d\d-\d{4}-\d\d-\d\d\.csv$/);
    const bytes = readFileSync((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).trim().split(/\r?\n/);
    expect(lines[0]!.split(',').slice(0, 5)).toEqual(['N° commande', 'Date', 'Site', 'Vendeur', 'Client']);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(order.number);

    // A reversed period is refused before anything is sent, in French.
    await reports.exportsSection().getByLabel('Du', { exact: true }).fill('2026-12-31');
    await reports.exportsSection().getByLabel('Au', { exact: true }).fill('2026-01-01');
    await reports.exportButton('Rapport des commandes', 'PDF').click();
    await e2e.page
      .getByTestId('export-error')
      .getByText('La date de début doit précéder la date de fin.')
      .waitFor();
    // A period the server refuses (longer than a year) comes back as its French message.
    await reports.exportsSection().getByLabel('Du', { exact: true }).fill('2024-01-01');
    await reports.exportsSection().getByLabel('Au', { exact: true }).fill('2026-01-01');
    await reports.exportButton('Rapport des commandes', 'Excel').click();
    await e2e.page
      .getByTestId('export-error')
      .getByText('L’export a échoué : La période ne peut pas dépasser 366 jours')
      .waitFor();

    expect(await seriousA11yViolations(e2e.page)).toEqual([]);
    // The full-page capture draws the sticky shell where the page is scrolled to.
    await e2e.page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(e2e.page, 'reports-page');
  });

  it('gives a stock manager the stock export but not the daily summary', async () => {
    const manager = await e2e.api.createUser('gestionnaire_stocks');
    await e2e.signIn(manager);
    const reports = new ReportsPage(e2e.page);
    await reports.open();
    await reports.exportButton('État du stock', 'CSV').waitFor();
    expect(await reports.dailySection().count()).toBe(0);
    expect(await reports.exportButton('Rapport des commandes', 'CSV').count()).toBe(0);
    expect(await reports.exportButton('Créances clients', 'PDF').count()).toBe(0);

    const [download] = await Promise.all([
      e2e.page.waitForEvent('download'),
      reports.exportButton('État du stock', 'Excel').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^stock-\d{4}-\d\d-\d\d\.xlsx$/);
    expect(
      readFileSync((await download.path())!)
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');
    expect(await seriousA11yViolations(e2e.page)).toEqual([]);
    await screenshot(e2e.page, 'reports-page-stock');
  });
});

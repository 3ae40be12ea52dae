import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createSite, signedInUser } from '../../../test/factories.ts';
import { api, type TestApp, useTestApp } from '../../../test/harness.ts';
import { selectRows } from '../../db/client.ts';
import { addDays, todayIn } from '../../lib/dates.ts';
import {
  download,
  parseCsv,
  pdfPages,
  readXlsx,
  renderFirstPage,
  reportSetup,
  sheetRows,
} from './test-helpers.ts';

/**
 * Moves a site's ledger back in time. The ledger is append-only (a trigger refuses UPDATE);
 * the test switches triggers off for its own transaction only, to fake movements made days ago.
 */
async function backdateMovements(t: TestApp, siteId: string, days: number) {
  await t.db.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL session_replication_role = replica`);
    await tx.execute(
      sql`UPDATE stock_movements SET created_at = created_at - make_interval(days => ${days}) WHERE site_id = ${siteId}`,
    );
  });
}

describe('stock report', () => {
  const t = useTestApp();

  /** Received 5 days ago; today: 30 yaourts and 10 laits delivered, 5 yaourts written off. */
  async function seeded() {
    const s = await reportSetup(t);
    await backdateMovements(t, s.site.id, 5);
    const order = await s.order([
      { product_id: s.yaourt.id, quantity: 30 },
      { product_id: s.lait.id, quantity: 10 },
    ]);
    await s.deliver(order.id);
    const loss = await api(t, 'POST', '/api/stock/loss/', {
      token: s.stocker.token,
      body: { reason: 'Pots cassés', items: [{ product_id: s.yaourt.id, quantity: 5 }] },
    });
    expect(loss.status, JSON.stringify(loss.body)).toBe(201);
    return s;
  }

  const today = () => todayIn(t.config.timeZone);

  it('reads stock at a date from the ledger: before, between and after the movements', async () => {
    const s = await seeded();
    const at = async (date: string) =>
      (await download(t, `/api/reports/stock/json/?date=${date}`, s.stocker.token)).json;
    const quantities = (report: any) =>
      Object.fromEntries(report.products.map((row: any) => [row.product_id, row.quantity]));

    expect((await at(addDays(today(), -6))).products).toEqual([]);
    const before = await at(addDays(today(), -2));
    expect(quantities(before)).toEqual({ [s.yaourt.id]: 500, [s.lait.id]: 300 });
    const now = await at(today());
    expect(quantities(now)).toEqual({ [s.yaourt.id]: 465, [s.lait.id]: 290 });

    // Today's figures agree with the current stock and lots, computed apart.
    const levels = await selectRows<{ product_id: string; quantity: number }>(
      t.db,
      sql`SELECT product_id, quantity FROM stock_levels WHERE site_id = ${s.site.id}`,
    );
    expect(quantities(now)).toEqual(Object.fromEntries(levels.map((row) => [row.product_id, row.quantity])));
    const lotSum = now.lots.reduce((sum: number, lot: any) => sum + lot.quantity, 0);
    expect(lotSum).toBe(465 + 290);
    expect(now.totals.value).toBe(465 * 500 + 290 * 1250);
  });

  it('values stock at the current price, lists lots expiring within N days and the losses of the period', async () => {
    const s = await seeded();
    await t.db.execute(sql`UPDATE products SET unit_price = 600 WHERE id = ${s.yaourt.id}`);
    const report = (await download(t, '/api/reports/stock/json/?expiring_days=7', s.stocker.token)).json;
    const yaourt = report.products.find((row: any) => row.product_id === s.yaourt.id);
    expect(yaourt).toMatchObject({ quantity: 465, unit_price: 600, value: 465 * 600 });
    expect(report.totals.expiring_lots).toBe(1);
    const lait = report.lots.find((lot: any) => lot.code === 'L1');
    expect(lait).toMatchObject({ quantity: 290, days_to_expiry: 4, expiry_date: addDays(today(), 4) });
    expect(report.losses).toEqual([
      expect.objectContaining({ product_id: s.yaourt.id, quantity: 5, value: 3000, reason: 'Pots cassés' }),
    ]);
    expect(report.totals).toMatchObject({ loss_quantity: 5, loss_value: 3000 });

    const narrow = (await download(t, '/api/reports/stock/json/?expiring_days=3', s.stocker.token)).json;
    expect(narrow.totals.expiring_lots).toBe(0);
    const yesterday = addDays(today(), -1);
    const noLoss = (
      await download(t, `/api/reports/stock/json/?from=${yesterday}&to=${yesterday}`, s.stocker.token)
    ).json;
    expect(noLoss.losses).toEqual([]);
    // Seen from a later date, the same lot is closer to its expiry.
    const later = (await download(t, `/api/reports/stock/json/?date=${addDays(today(), 3)}`, s.stocker.token))
      .json;
    expect(later.lots.find((lot: any) => lot.code === 'L1').days_to_expiry).toBe(1);
  });

  it('exports PDF, CSV and XLSX that agree with the ledger', async () => {
    const s = await seeded();
    const pdf = await download(t, '/api/reports/stock/pdf/', s.manager.token);
    expect(pdf.status).toBe(200);
    const text = (await pdfPages(pdf.buffer)).join('\n');
    expect(text).toContain(`État du stock au ${today().split('-').reverse().join('/')}`);
    expect(text).toContain(s.yaourt.name);
    expect(text).toContain('Pots cassés');
    expect(text).toContain('232 500 FCFA'); // 465 × 500
    expect(text).toContain(`${(465 * 500 + 290 * 1250).toLocaleString('fr-FR').replace(/\s/g, ' ')} FCFA`);
    await renderFirstPage(pdf.buffer, 'stock-report');

    const csv = await download(t, '/api/reports/stock/csv/?sep=semicolon', s.stocker.token);
    const [header, ...rows] = parseCsv(csv.buffer.toString('utf8').slice(1), ';');
    expect(header).toEqual([
      'Site',
      'Produit',
      'Lot',
      'Péremption',
      'Jours avant péremption',
      'Quantité',
      'Valeur (FCFA)',
    ]);
    expect(rows.map((row) => [row[2], Number(row[5])]).sort()).toEqual([
      ['L1', 290],
      ['Y1', 465],
    ]);

    const workbook = await readXlsx((await download(t, '/api/reports/stock/xlsx/', s.stocker.token)).buffer);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual([
      'Par produit',
      'Par lot',
      'Péremption',
      'Pertes',
    ]);
    const lots = sheetRows(workbook, 'Par lot');
    expect(lots[0]![3]).toBeInstanceOf(Date);
    expect(lots.reduce((sum, row) => sum + (row[5] as number), 0)).toBe(755);
    expect(sheetRows(workbook, 'Pertes')[0]![4]).toBe(5);
  });

  it('is open to stock managers, closed to vendors, and scoped to the site', async () => {
    const s = await seeded();
    const vendor = await download(t, '/api/reports/stock/pdf/', s.vendor.token);
    expect(vendor.status).toBe(403);
    expect(vendor.json.error.code).toBe('forbidden');
    const other = await createSite(t);
    const otherStocker = await signedInUser(t, 'gestionnaire_stocks', { siteId: other.id });
    const own = (await download(t, '/api/reports/stock/json/', otherStocker.token)).json;
    expect(own.products).toEqual([]);
    const foreign = await download(t, `/api/reports/stock/json/?site_id=${s.site.id}`, otherStocker.token);
    expect(foreign.status).toBe(404);
  });

  it('refuses bad input with a 400 in the shared shape', async () => {
    const s = await reportSetup(t);
    for (const query of [
      'from=2026-03-10&to=2026-03-01',
      'from=2024-01-01&to=2026-01-01',
      'expiring_days=999',
      'date=2026-02-30',
      'date=demain',
    ]) {
      const response = await api(t, 'GET', `/api/reports/stock/pdf/?${query}`, { token: s.stocker.token });
      expect(response.status, query).toBe(400);
      expect(response.body.error.code, query).toBe('validation_error');
    }
  });
});

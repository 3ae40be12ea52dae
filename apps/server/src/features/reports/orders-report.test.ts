import { existsSync, statSync } from 'node:fs';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createSite, signedInUser } from '../../../test/factories.ts';
import { api, useTestApp } from '../../../test/harness.ts';
import { selectRows } from '../../db/client.ts';
import { orders } from '../../db/schema.ts';
import { addDays, todayIn } from '../../lib/dates.ts';
import { orderBatches, orderReportConditions } from './orders-report.repo.ts';
import { formatDate } from './render/format.ts';
import {
  download,
  parseCsv,
  pdfPages,
  readXlsx,
  renderFirstPage,
  reportSetup,
  sheetRows,
} from './test-helpers.ts';

describe('orders report', () => {
  const t = useTestApp();

  /** A site with a realistic mix: delivered, paid in part, cancelled, some from two days ago. */
  async function seeded() {
    const s = await reportSetup(t);
    const second = await signedInUser(t, 'vendeur', { siteId: s.site.id });
    const a = await s.order([{ product_id: s.yaourt.id, quantity: 25 }]); // 12 500
    const b = await s.order(
      [
        { product_id: s.yaourt.id, quantity: 4 },
        { product_id: s.lait.id, quantity: 10 },
      ],
      { token: second.token, client: 'Boutique "Le Faso"; Secteur 5' },
    ); // 14 500
    const c = await s.order([{ product_id: s.lait.id, quantity: 2 }], { client: 'Issa Zongo' }); // 2 500
    const d = await s.order([{ product_id: s.yaourt.id, quantity: 1 }]); // 500
    await s.deliver(a.id);
    await s.pay(a.id, 12_500);
    await s.deliver(b.id);
    await s.pay(b.id, 4000, 'orange_money');
    await s.cancel(c.id);
    // Two days ago, in the business time zone.
    await t.db.execute(sql`UPDATE orders SET created_at = created_at - interval '2 days' WHERE id = ${d.id}`);
    return { ...s, second, orders: { a, b, c, d } };
  }

  async function databaseTotals(siteId: string) {
    const [row] = await selectRows<{ orders: number; revenue: number; paid: number; cancelled: number }>(
      t.db,
      sql`SELECT count(*)::int AS orders,
                 coalesce(sum(total_amount) FILTER (WHERE delivery_status <> 'annulee'), 0)::int AS revenue,
                 coalesce(sum(paid_amount) FILTER (WHERE delivery_status <> 'annulee'), 0)::int AS paid,
                 (count(*) FILTER (WHERE delivery_status = 'annulee'))::int AS cancelled
          FROM orders WHERE site_id = ${siteId}`,
    );
    return row!;
  }

  it('sums by day, status, vendor and product exactly as the database holds them (json)', async () => {
    const s = await seeded();
    const response = await download(t, '/api/reports/orders/json/', s.manager.token);
    expect(response.status).toBe(200);
    const report = response.json;
    const db = await databaseTotals(s.site.id);
    expect(report.totals).toMatchObject({
      orders: db.orders,
      revenue: db.revenue,
      paid: db.paid,
      balance: db.revenue - db.paid,
      cancelled_orders: db.cancelled,
      cancelled_amount: 2500,
      delivered_orders: 2,
      delivered_amount: 27_000,
    });
    expect(report.totals).toMatchObject({ orders: 4, revenue: 27_500, paid: 16_500 });
    expect(report.site).toEqual({ id: s.site.id, name: s.site.name });
    const today = todayIn(t.config.timeZone);
    expect(report.by_day).toEqual([
      { day: addDays(today, -2), orders: 1, amount: 500, revenue: 500, cancelled_orders: 0 },
      { day: today, orders: 3, amount: 29_500, revenue: 27_000, cancelled_orders: 1 },
    ]);
    expect(report.by_status).toEqual(
      expect.arrayContaining([
        { delivery_status: 'livree', orders: 2, amount: 27_000 },
        { delivery_status: 'annulee', orders: 1, amount: 2500 },
        { delivery_status: 'nouvelle', orders: 1, amount: 500 },
      ]),
    );
    expect(
      report.by_vendor.map((row: { user_id: string; revenue: number }) => [row.user_id, row.revenue]),
    ).toEqual([
      [s.second.user.id, 14_500],
      [s.vendor.user.id, 13_000],
    ]);
    // Cancelled lines are not sales.
    expect(report.by_product).toEqual([
      expect.objectContaining({ product_id: s.yaourt.id, quantity: 30, amount: 15_000 }),
      expect.objectContaining({ product_id: s.lait.id, quantity: 10, amount: 12_500 }),
    ]);
  });

  it('exports a PDF whose text carries the header, French formats, the totals and every order', async () => {
    const s = await seeded();
    const response = await download(t, '/api/reports/orders/pdf/', s.manager.token);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    expect(response.headers['content-disposition']).toMatch(/attachment; filename="commandes_.*\.pdf"/);
    const pages = await pdfPages(response.buffer);
    const text = pages.join('\n');
    const today = todayIn(t.config.timeZone);
    expect(text).toContain('Gapal du Faso');
    expect(text).toContain('Rapport des commandes');
    expect(text).toContain(s.site.name);
    expect(text).toContain(`du ${formatDate(addDays(today, -29))} au ${formatDate(today)}`);
    expect(text).toMatch(/Généré le \d\d\/\d\d\/\d{4} \d\d:\d\d/);
    expect(text).toContain('27 500 FCFA'); // revenue
    expect(text).toContain('11 000 FCFA'); // still to collect
    for (const order of Object.values(s.orders)) expect(text).toContain(order.number);
    expect(text).toContain('Boutique "Le Faso"; Secteur 5');
    expect(text).toContain('Commandes annulées (1)');
    expect(pages.at(-1)).toContain(`Page ${pages.length} / ${pages.length}`);

    const png = await renderFirstPage(response.buffer, 'orders-report');
    expect(existsSync(png)).toBe(true);
    expect(statSync(png).size).toBeGreaterThan(10_000);
  });

  it('breaks a long list across pages with the table header repeated and every page numbered', async () => {
    const s = await reportSetup(t);
    const created: string[] = [];
    for (let index = 0; index < 70; index += 1) {
      const order = await s.order([{ product_id: s.yaourt.id, quantity: 1 + (index % 5) }], {
        client: `Client ${index}`,
      });
      created.push(order.number);
    }
    const response = await download(t, '/api/reports/orders/pdf/', s.manager.token);
    const pages = await pdfPages(response.buffer);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    for (const [index, page] of pages.entries()) {
      expect(page).toContain(`Page ${index + 1} / ${pages.length}`);
    }
    const listPages = pages.filter((page) => created.some((number) => page.includes(number)));
    expect(listPages.length).toBeGreaterThanOrEqual(2);
    for (const page of listPages) expect(page).toMatch(/N° commande +Date +Client/);
    const text = pages.join('\n');
    for (const number of created) expect(text.split(number).length - 1).toBe(1);
    await renderFirstPage(response.buffer, 'orders-report-list-page', 3);
  });

  it('exports CSV with a BOM, a header row, proper quoting and the database totals; `;` on request', async () => {
    const s = await seeded();
    for (const [sep, char] of [
      ['comma', ','],
      ['semicolon', ';'],
    ] as const) {
      const response = await download(t, `/api/reports/orders/csv/?sep=${sep}`, s.manager.token);
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect([...response.buffer.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const rows = parseCsv(response.buffer.toString('utf8').slice(1), char);
      const [header, ...lines] = rows;
      expect(header!.slice(0, 5)).toEqual(['N° commande', 'Date', 'Site', 'Vendeur', 'Client']);
      expect(lines).toHaveLength(4);
      const column = (name: string) => header!.indexOf(name);
      const total = lines.reduce((sum, line) => sum + Number(line[column('Montant (FCFA)')]), 0);
      const db = await databaseTotals(s.site.id);
      expect(total).toBe(db.revenue + 2500);
      const quoted = lines.find((line) => line[column('Client')]?.startsWith('Boutique'));
      expect(quoted![column('Client')]).toBe('Boutique "Le Faso"; Secteur 5');
      expect(quoted![column('Statut de paiement')]).toBe('Partielle');
      expect(quoted![column('Reste (FCFA)')]).toBe('10500');
      expect(quoted![column('Date')]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    }
  });

  /** Order a (12 500, paid in full): 5 pots come back (2 500 of credit), 1 000 of it refunded. */
  async function returnAndRefund(s: Awaited<ReturnType<typeof seeded>>) {
    const { a } = s.orders;
    const { body } = await api(t, 'GET', `/api/orders/${a.id}/`, { token: s.manager.token });
    const returned = await api(t, 'POST', `/api/orders/${a.id}/return/`, {
      token: s.manager.token,
      body: { reason: 'Pots abîmés', items: [{ item_id: body.items[0].id, quantity: 5 }] },
    });
    expect(returned.body).toMatchObject({ returned_amount: 2500, credit: 2500 });
    const refund = await api(t, 'POST', `/api/orders/${a.id}/refund/`, {
      token: s.manager.token,
      body: { amount: 1000, method: 'especes', reference: 'Reçu 7', version: returned.body.version },
    });
    expect(refund.status).toBe(200);
  }

  it('shows what came back, what was refunded, what is still owed and the credit left', async () => {
    const s = await seeded();
    const { a } = s.orders;
    await returnAndRefund(s);
    const csv = await download(t, '/api/reports/orders/csv/', s.manager.token);
    const [header, ...lines] = parseCsv(csv.buffer.toString('utf8').slice(1), ',');
    const column = (name: string) => header!.indexOf(`${name} (FCFA)`);
    const line = lines.find((row) => row[0] === a.number)!;
    expect(
      ['Montant', 'Retourné', 'Payé', 'Remboursé', 'Reste', 'Avoir'].map((name) => line[column(name)]),
    ).toEqual(['12500', '2500', '11500', '1000', '0', '1500']);
  });

  it('headline figures are the per-order columns summed: net of returns and refunds, a paid then cancelled order all credit', async () => {
    const s = await seeded();
    await returnAndRefund(s);
    // Paid 300 of 500, then cancelled: it asks nothing and holds 300 of credit.
    const e = await s.order([{ product_id: s.yaourt.id, quantity: 1 }]);
    await s.pay(e.id, 300);
    await s.cancel(e.id);

    const { totals } = (await download(t, '/api/reports/orders/json/', s.manager.token)).json;
    const csv = await download(t, '/api/reports/orders/csv/', s.manager.token);
    const [header, ...lines] = parseCsv(csv.buffer.toString('utf8').slice(1), ',');
    const cell = (row: string[], name: string) => Number(row[header!.indexOf(`${name} (FCFA)`)]);
    const sum = (name: string, rows = lines) => rows.reduce((total, row) => total + cell(row, name), 0);
    const live = lines.filter((row) => row[header!.indexOf('Statut de livraison')] !== 'Annulée');
    expect(lines).toHaveLength(5);
    expect(totals).toMatchObject({
      revenue: sum('Montant', live) - sum('Retourné', live),
      paid: sum('Payé'),
      balance: sum('Reste'),
      credit: sum('Avoir'),
    });
    expect(totals.revenue - totals.paid).toBe(totals.balance - totals.credit);
    // a 12 500 − 2 500 returned, b 14 500, d 500; c and e cancelled ask nothing.
    expect(totals).toMatchObject({
      revenue: 25_000,
      paid: 11_500 + 4000 + 300,
      balance: 10_500 + 500,
      credit: 1800,
    });
    const eLine = lines.find((row) => row[0] === e.number)!;
    expect([cell(eLine, 'Payé'), cell(eLine, 'Reste'), cell(eLine, 'Avoir')]).toEqual([300, 0, 300]);
  });

  it('exports XLSX (also as csv?format=xlsx) with numbers as numbers and dates as dates', async () => {
    const s = await seeded();
    for (const url of ['/api/reports/orders/xlsx/', '/api/reports/orders/csv/?format=xlsx']) {
      const response = await download(t, url, s.manager.token);
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe(
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      );
      const workbook = await readXlsx(response.buffer);
      expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual([
        'Résumé',
        'Par jour',
        'Par statut',
        'Par vendeur',
        'Par produit',
        'Commandes',
      ]);
      const rows = sheetRows(workbook, 'Commandes');
      expect(rows).toHaveLength(4);
      for (const row of rows) {
        expect(row[1]).toBeInstanceOf(Date);
        expect(typeof row[9]).toBe('number');
      }
      const db = await databaseTotals(s.site.id);
      const live = rows.filter((row) => row[7] !== 'Annulée');
      expect(live.reduce((sum, row) => sum + (row[9] as number), 0)).toBe(db.revenue);
      const products = sheetRows(workbook, 'Par produit');
      expect(products.map((row) => row[2])).toEqual([30, 10]);
      const summary = new Map(sheetRows(workbook, 'Résumé').map((row) => [row[0], row[1]]));
      expect(summary.get("Chiffre d'affaires (FCFA)")).toBe(db.revenue);
      // The date cell shows the business wall-clock time.
      const createdAt = rows.map((row) => row[1] as Date).sort((x, y) => x.getTime() - y.getTime())[0]!;
      expect(createdAt.toISOString().slice(0, 10)).toBe(addDays(todayIn(t.config.timeZone), -2));
    }
  });

  it('applies the list filters: payment status, vendor, delivery status', async () => {
    const s = await seeded();
    const get = async (query: string) =>
      (await download(t, `/api/reports/orders/json/?${query}`, s.manager.token)).json.totals;
    expect((await get('payment_status=partielle')).orders).toBe(1);
    expect((await get(`created_by=${s.second.user.id}`)).revenue).toBe(14_500);
    expect((await get('delivery_status=annulee')).cancelled_orders).toBe(1);
    const today = todayIn(t.config.timeZone);
    expect((await get(`from=${today}&to=${today}`)).orders).toBe(3);
  });

  it('keeps each manager to their own site; the admin picks one or sees all', async () => {
    const s = await seeded();
    const other = await createSite(t);
    const foreign = await download(t, `/api/reports/orders/json/?site_id=${other.id}`, s.manager.token);
    expect(foreign.status).toBe(404);
    expect(foreign.json.error.code).toBe('not_found');
    const admin = await signedInUser(t, 'admin', { siteId: null });
    const one = await download(t, `/api/reports/orders/json/?site_id=${s.site.id}`, admin.token);
    expect(one.json.totals.orders).toBe(4);
    const all = await download(t, '/api/reports/orders/json/', admin.token);
    expect(all.json.site).toBeNull();
    expect(all.json.totals.orders).toBeGreaterThan(4);
    const pdf = await pdfPages((await download(t, '/api/reports/orders/pdf/', admin.token)).buffer);
    expect(pdf[0]).toContain('Tous les sites');
  });

  it('streams the list in keyset batches that never skip or repeat an order, even on equal timestamps', async () => {
    const s = await reportSetup(t);
    const created: string[] = [];
    for (let index = 0; index < 7; index += 1) {
      created.push((await s.order([{ product_id: s.yaourt.id, quantity: 1 }])).number);
    }
    // Five orders share one instant: only the id can order them.
    await t.db
      .update(orders)
      .set({ createdAt: sql`date_trunc('second', now())` })
      .where(and(eq(orders.siteId, s.site.id), inArray(orders.number, created.slice(1, 6))));
    const today = todayIn(t.config.timeZone);
    const where = orderReportConditions({}, { from: today, to: today }, s.site.id, t.config.timeZone);
    const seen: string[] = [];
    let batches = 0;
    for await (const rows of orderBatches(t.db, where, 2)) {
      batches += 1;
      expect(rows.length).toBeLessThanOrEqual(2);
      seen.push(...rows.map((row) => row.number));
    }
    expect(batches).toBe(4);
    expect([...seen].sort()).toEqual([...created].sort());
  });

  it('documents the report routes in OpenAPI', async () => {
    const response = await api(t, 'GET', '/api/docs/json');
    for (const path of ['orders', 'receivables', 'stock', 'daily']) {
      expect(response.body.paths[`/api/reports/${path}/{format}/`]?.get, path).toBeDefined();
    }
  });

  it('refuses bad input and other roles with a clear 4xx in the shared shape', async () => {
    const s = await reportSetup(t);
    const cases: [string, string, number, string][] = [
      ['/api/reports/orders/pdf/?from=2026-03-10&to=2026-03-01', s.manager.token, 400, 'validation_error'],
      ['/api/reports/orders/csv/?from=2025-01-01&to=2026-01-02', s.manager.token, 400, 'validation_error'],
      ['/api/reports/orders/docx/', s.manager.token, 400, 'validation_error'],
      ['/api/reports/orders/csv/?format=docx', s.manager.token, 400, 'validation_error'],
      ['/api/reports/orders/csv/?sep=tab', s.manager.token, 400, 'validation_error'],
      ['/api/reports/orders/csv/?colour=red', s.manager.token, 400, 'validation_error'],
      [
        '/api/reports/orders/pdf/?delivery_from=2026-03-10&delivery_to=2026-03-01',
        s.manager.token,
        400,
        'validation_error',
      ],
      ['/api/reports/orders/pdf/', s.vendor.token, 403, 'forbidden'],
      ['/api/reports/orders/csv/', s.stocker.token, 403, 'forbidden'],
    ];
    for (const [url, token, status, code] of cases) {
      const response = await api(t, 'GET', url, { token });
      expect(response.status, url).toBe(status);
      expect(response.body.error.code, url).toBe(code);
      expect(response.body.error.message, url).toBeTypeOf('string');
    }
    const long = await api(t, 'GET', '/api/reports/orders/csv/?from=2025-01-01&to=2026-01-02', {
      token: s.manager.token,
    });
    expect(long.body.error.details.fields[0].field).toBe('to');
    expect(long.body.error.message).toContain('366');
    const exactYear = await api(t, 'GET', '/api/reports/orders/json/?from=2024-01-01&to=2024-12-31', {
      token: s.manager.token,
    });
    expect(exactYear.status).toBe(200);
  });
});

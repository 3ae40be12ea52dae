import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { api, useTestApp } from '../../../test/harness.ts';
import { selectRows } from '../../db/client.ts';
import { addDays, todayIn } from '../../lib/dates.ts';
import { createProduct } from '../orders/test-helpers.ts';
import { download, pdfPages, renderFirstPage, reportSetup } from './test-helpers.ts';

describe('daily summary', () => {
  const t = useTestApp();

  async function seeded() {
    const s = await reportSetup(t);
    const a = await s.order([{ product_id: s.yaourt.id, quantity: 10 }]); // 5 000
    const b = await s.order([{ product_id: s.lait.id, quantity: 4 }]); // 5 000
    const c = await s.order([{ product_id: s.yaourt.id, quantity: 2 }]); // 1 000
    await s.deliver(a.id);
    await s.deliver(b.id);
    await s.pay(a.id, 5000);
    await s.pay(b.id, 2000, 'orange_money');
    await s.pay(b.id, 1500, 'moov_money');
    await s.cancel(c.id);
    // Alerts: the yaourt under its threshold, a product emptied by a loss, a lot expiring tomorrow.
    await t.db.execute(sql`UPDATE products SET min_stock_level = 1000 WHERE id = ${s.yaourt.id}`);
    const beurre = await createProduct(t, { unitPrice: 2000, name: `Beurre ${s.site.code}` });
    const entry = await api(t, 'POST', '/api/stock/entry/', {
      token: s.stocker.token,
      body: {
        items: [
          {
            product_id: beurre.id,
            quantity: 3,
            lot_code: 'B1',
            expiry_date: addDays(todayIn(t.config.timeZone), 1),
          },
        ],
      },
    });
    expect(entry.status).toBe(201);
    const gone = await api(t, 'POST', '/api/stock/loss/', {
      token: s.stocker.token,
      body: { reason: 'Chaîne du froid rompue', items: [{ product_id: beurre.id, quantity: 3 }] },
    });
    expect(gone.status).toBe(201);
    const fromage = await createProduct(t, { unitPrice: 3000, name: `Fromage ${s.site.code}` });
    await api(t, 'POST', '/api/stock/entry/', {
      token: s.stocker.token,
      body: {
        items: [
          {
            product_id: fromage.id,
            quantity: 8,
            lot_code: 'F1',
            expiry_date: addDays(todayIn(t.config.timeZone), 1),
          },
        ],
      },
    });
    return { ...s, beurre, fromage };
  }

  it('sums the day: orders, deliveries, money per method and stock alerts (json, for the dashboard)', async () => {
    const s = await seeded();
    const response = await download(t, '/api/reports/daily/json/', s.manager.token);
    expect(response.status).toBe(200);
    const day = response.json;
    expect(day.date).toBe(todayIn(t.config.timeZone));
    expect(day.orders).toMatchObject({ count: 3, amount: 10_000, cancelled: 1 });
    expect(day.deliveries).toEqual({ count: 2, amount: 10_000 });
    const [collected] = await selectRows<{ total: number }>(
      t.db,
      sql`SELECT coalesce(sum(p.amount), 0)::int AS total FROM payments p JOIN orders o ON o.id = p.order_id
          WHERE o.site_id = ${s.site.id}`,
    );
    expect(day.collections).toMatchObject({ total: collected!.total, cash: 5000, mobile_money: 3500 });
    expect(day.collections.by_method).toEqual([
      { method: 'especes', count: 1, amount: 5000 },
      { method: 'orange_money', count: 1, amount: 2000 },
      { method: 'moov_money', count: 1, amount: 1500 },
      { method: 'autre', count: 0, amount: 0 },
    ]);
    expect(day.stock_alerts.out_of_stock.map((row: any) => row.product_id)).toEqual([s.beurre.id]);
    expect(day.stock_alerts.low_stock).toEqual([
      expect.objectContaining({ product_id: s.yaourt.id, quantity: 490, min_stock_level: 1000 }),
    ]);
    expect(day.stock_alerts.expiring_lots).toEqual([
      expect.objectContaining({ code: 'F1', quantity: 8, days_to_expiry: 1 }),
    ]);
    const yesterday = (
      await download(t, `/api/reports/daily/json/?date=${addDays(day.date, -1)}`, s.manager.token)
    ).json;
    expect(yesterday.orders.count).toBe(0);
    expect(yesterday.collections.total).toBe(0);
  });

  it('counts a refund apart from the money received', async () => {
    const s = await reportSetup(t);
    const order = await s.order([{ product_id: s.yaourt.id, quantity: 10 }]); // 5 000
    await s.deliver(order.id);
    await s.pay(order.id, 5000);
    const { body } = await api(t, 'GET', `/api/orders/${order.id}/`, { token: s.manager.token });
    const returned = await api(t, 'POST', `/api/orders/${order.id}/return/`, {
      token: s.manager.token,
      body: { reason: 'Pots abîmés', items: [{ item_id: body.items[0].id, quantity: 4 }] },
    });
    expect(returned.body.credit).toBe(2000);
    const refund = await api(t, 'POST', `/api/orders/${order.id}/refund/`, {
      token: s.manager.token,
      body: { amount: 1500, method: 'orange_money', reference: 'OM-R1', version: returned.body.version },
    });
    expect(refund.status).toBe(200);
    const day = (await download(t, `/api/reports/daily/json/`, s.manager.token)).json;
    expect(day.collections).toMatchObject({ total: 5000, cash: 5000, mobile_money: 0 });
    expect(day.collections.refunds).toEqual({ count: 1, amount: 1500 });
    const pdf = await download(t, '/api/reports/daily/pdf/', s.manager.token);
    expect((await pdfPages(pdf.buffer)).join('\n')).toMatch(/REMBOURSÉ[\s\S]*1 · 1 500 FCFA/);
  });

  it('prints the day on one A4 page', async () => {
    const s = await seeded();
    const response = await download(t, '/api/reports/daily/pdf/', s.manager.token);
    expect(response.status).toBe(200);
    expect(response.headers['content-disposition']).toMatch(/synthese_\d{4}-\d\d-\d\d\.pdf/);
    const pages = await pdfPages(response.buffer);
    expect(pages).toHaveLength(1);
    const text = pages[0]!;
    for (const expected of [
      'Synthèse du',
      'Espèces',
      'Orange Money',
      'Moov Money',
      '8 500 FCFA',
      'Rupture',
      'Stock bas',
    ]) {
      expect(text).toContain(expected);
    }
    expect(text).toContain(s.beurre.name);
    expect(text).toContain('Page 1 / 1');
    await renderFirstPage(response.buffer, 'daily-summary');
  });

  it('refuses other formats and roles', async () => {
    const s = await reportSetup(t);
    const csv = await api(t, 'GET', '/api/reports/daily/csv/', { token: s.manager.token });
    expect(csv.status).toBe(400);
    expect(csv.body.error.code).toBe('validation_error');
    const badDate = await api(t, 'GET', '/api/reports/daily/json/?date=2026-13-01', {
      token: s.manager.token,
    });
    expect(badDate.status).toBe(400);
    for (const token of [s.vendor.token, s.stocker.token]) {
      const response = await api(t, 'GET', '/api/reports/daily/pdf/', { token });
      expect(response.status).toBe(403);
    }
  });
});

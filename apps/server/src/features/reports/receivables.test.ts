import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { api, useTestApp } from '../../../test/harness.ts';
import { selectRows } from '../../db/client.ts';
import {
  download,
  parseCsv,
  pdfPages,
  readXlsx,
  renderFirstPage,
  reportSetup,
  sheetRows,
} from './test-helpers.ts';

describe('receivables report', () => {
  const t = useTestApp();

  /**
   * Awa: one fresh unpaid delivery, one from 12 days ago paid in two parts, one from 40 days ago
   * (written with another spelling of her name, same phone). Issa: paid in full (not owed).
   * Moussa: unpaid but not delivered yet (not a receivable).
   */
  async function seeded() {
    const s = await reportSetup(t);
    const y = (quantity: number) => [{ product_id: s.yaourt.id, quantity }];
    const fresh = await s.order(y(10)); // 5 000
    const partial = await s.order(y(20)); // 10 000
    const old = await s.order(y(4), { client: 'AWA OUEDRAOGO', phone: '70 12 34 56' }); // 2 000
    const paid = await s.order(y(2), { client: 'Issa Zongo', phone: '+226 76 00 00 01' });
    const pending = await s.order(y(6), { client: 'Moussa Kaboré', phone: null });
    for (const order of [fresh, partial, old, paid]) await s.deliver(order.id);
    await s.pay(partial.id, 3000);
    await s.pay(partial.id, 2500, 'orange_money');
    await s.pay(paid.id, 1000, 'moov_money');
    await s.pay(pending.id, 500);
    const age = (id: string, days: number) =>
      t.db.execute(
        sql`UPDATE orders SET delivered_at = delivered_at - make_interval(days => ${days}) WHERE id = ${id}`,
      );
    await age(partial.id, 12);
    await age(old.id, 40);
    return { ...s, orders: { fresh, partial, old, paid, pending } };
  }

  async function openBalance(siteId: string) {
    const [row] = await selectRows<{ balance: number; orders: number }>(
      t.db,
      sql`SELECT coalesce(sum(total_amount - returned_amount - paid_amount), 0)::int AS balance,
            count(*)::int AS orders
          FROM orders WHERE site_id = ${siteId} AND delivery_status = 'livree'
            AND paid_amount < total_amount - returned_amount`,
    );
    return row!;
  }

  it('groups open balances per client, ages them and shows the partial payments (json)', async () => {
    const s = await seeded();
    const response = await download(t, '/api/reports/receivables/json/', s.manager.token);
    expect(response.status).toBe(200);
    const report = response.json;
    const db = await openBalance(s.site.id);
    expect(report.totals).toMatchObject({ clients: 1, orders: db.orders, balance: db.balance });
    expect(report.totals.ageing).toEqual({ '0_7': 5000, '8_30': 4500, over_30: 2000 });
    const [awa] = report.clients;
    expect(awa).toMatchObject({ orders: 3, total_amount: 17_000, paid_amount: 5500, balance: 11_500 });
    const partial = awa.items.find((item: any) => item.number === s.orders.partial.number);
    expect(partial).toMatchObject({ paid_amount: 5500, balance: 4500, age_days: 12 });
    expect(partial.payments.map((payment: any) => [payment.method, payment.amount])).toEqual([
      ['especes', 3000],
      ['orange_money', 2500],
    ]);
    const numbers = awa.items.map((item: any) => item.number);
    expect(numbers).not.toContain(s.orders.paid.number);
    expect(numbers).not.toContain(s.orders.pending.number);
  });

  it('exports PDF, CSV and XLSX with the same balances as the database', async () => {
    const s = await seeded();
    const db = await openBalance(s.site.id);
    const pdf = await download(t, '/api/reports/receivables/pdf/', s.manager.token);
    expect(pdf.status).toBe(200);
    const text = (await pdfPages(pdf.buffer)).join('\n');
    expect(text).toContain('Créances clients');
    expect(text).toContain('11 500 FCFA');
    expect(text).toMatch(/Espèces 3 000 ; \d\d\/\d\d Orange Money 2 500/);
    expect(text).toMatch(/PLUS DE 30 JOURS[\s\S]*2 000 FCFA/);
    await renderFirstPage(pdf.buffer, 'receivables-report');

    const csv = await download(t, '/api/reports/receivables/csv/', s.manager.token);
    const [header, ...rows] = parseCsv(csv.buffer.toString('utf8').slice(1), ',');
    const rest = header!.indexOf('Reste (FCFA)');
    expect(rows).toHaveLength(db.orders);
    expect(rows.reduce((sum, row) => sum + Number(row[rest]), 0)).toBe(db.balance);
    expect(rows.map((row) => row[header!.indexOf('Ancienneté')]).sort()).toEqual([
      '0 à 7 jours',
      '8 à 30 jours',
      'Plus de 30 jours',
    ]);

    const workbook = await readXlsx(
      (await download(t, '/api/reports/receivables/xlsx/', s.manager.token)).buffer,
    );
    const clients = sheetRows(workbook, 'Par client');
    expect(clients.map((row) => row[6])).toEqual([db.balance]);
    expect(sheetRows(workbook, 'Détail')[0]![2]).toBeInstanceOf(Date);
  });

  it('lowers a balance by what came back, drops an order returned into credit, groups by the directory’s client', async () => {
    const s = await reportSetup(t);
    const y = (quantity: number) => [{ product_id: s.yaourt.id, quantity }];
    const returned = await s.order(y(10)); // 5 000
    const credited = await s.order(y(4), { client: 'AWA OUEDRAOGO', phone: null }); // 2 000
    for (const order of [returned, credited]) await s.deliver(order.id);
    await s.pay(returned.id, 1000);
    await s.pay(credited.id, 2000);
    const [client] = await selectRows<{ id: string }>(
      t.db,
      sql`INSERT INTO clients (site_id, name, phone, created_by)
          VALUES (${s.site.id}, 'Maquis Chez Awa', '+22670123456', ${s.manager.user.id}) RETURNING id`,
    );
    await t.db.execute(
      sql`UPDATE orders SET client_id = ${client!.id} WHERE id IN (${returned.id}, ${credited.id})`,
    );
    const returnOf = async (id: string, quantity: number) => {
      const { body: order } = await api(t, 'GET', `/api/orders/${id}/`, { token: s.manager.token });
      const response = await api(t, 'POST', `/api/orders/${id}/return/`, {
        token: s.manager.token,
        body: { reason: 'Pots abîmés', items: [{ item_id: order.items[0].id, quantity }] },
      });
      expect(response.status).toBe(200);
    };
    await returnOf(returned.id, 2); // asks 4 000, 1 000 paid: 3 000 owed
    await returnOf(credited.id, 1); // asks 1 500, 2 000 paid: a credit, owes nothing

    const report = (await download(t, '/api/reports/receivables/json/', s.manager.token)).json;
    expect(report.totals).toMatchObject({ clients: 1, orders: 1, returned_amount: 1000, balance: 3000 });
    expect(report.clients[0]).toMatchObject({
      client_id: client!.id,
      client_name: 'Maquis Chez Awa',
      client_phone: '+22670123456',
      total_amount: 5000,
      returned_amount: 1000,
      paid_amount: 1000,
      balance: 3000,
    });
    expect(report.clients[0].items.map((item: any) => item.number)).toEqual([returned.number]);
    const csv = await download(t, '/api/reports/receivables/csv/', s.manager.token);
    const [header, row] = parseCsv(csv.buffer.toString('utf8').slice(1), ',');
    expect(row![header!.indexOf('Retourné (FCFA)')]).toBe('1000');
    expect(row![header!.indexOf('Reste (FCFA)')]).toBe('3000');
  });

  it('is for order managers and the admin only', async () => {
    const s = await reportSetup(t);
    for (const token of [s.vendor.token, s.stocker.token]) {
      const response = await api(t, 'GET', '/api/reports/receivables/pdf/', { token });
      expect(response.status).toBe(403);
      expect(response.body.error.code).toBe('forbidden');
    }
    const bad = await api(t, 'GET', '/api/reports/receivables/odt/', { token: s.manager.token });
    expect(bad.status).toBe(400);
  });
});

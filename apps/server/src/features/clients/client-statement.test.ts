import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSite, signedInUser, unique } from '../../../test/factories.ts';
import { api, useTestApp } from '../../../test/harness.ts';
import { orders, payments } from '../../db/schema.ts';
import { createOrderAs, createProduct, isoDay } from '../orders/test-helpers.ts';
import { download, parseCsv, pdfPages } from '../reports/test-helpers.ts';

describe('client statement (relevé de compte)', () => {
  const t = useTestApp();
  let manager: string;
  let vendor: string;
  let otherManager: string;
  let client: { id: string; name: string };
  const numbers: Record<string, string> = {};
  const from = isoDay(-10);
  const to = isoDay(0);

  /** An order of the client taken `daysAgo` days ago (noon UTC, the business zone's offset is 0). */
  async function order(quantity: number, daysAgo: number) {
    const created = await createOrderAs(t, vendor, [productId], {
      items: [{ product_id: productId, quantity }],
    });
    await t.db
      .update(orders)
      .set({ clientId: client.id, createdAt: new Date(`${isoDay(-daysAgo)}T12:00:00Z`) })
      .where(eq(orders.id, created.id));
    return created as { id: string; number: string };
  }

  async function pay(
    orderId: string,
    amount: number,
    daysAgo: number,
    method = 'especes',
    reference?: string,
  ) {
    const response = await api(t, 'PATCH', `/api/orders/${orderId}/payment/`, {
      token: manager,
      body: { amount, method, ...(reference ? { reference } : {}) },
    });
    expect(response.status).toBe(200);
    await t.db
      .update(payments)
      .set({ createdAt: new Date(`${isoDay(-daysAgo)}T13:00:00Z`) })
      .where(sql`${payments.orderId} = ${orderId} AND ${payments.amount} = ${amount}`);
  }

  let productId: string;

  /**
   * Before the period: A (3 000) 20 days ago, 1 000 paid 15 days ago. In it: B (2 000) 5 days ago,
   * 500 paid on A by Orange Money 4 days ago, C (7 000) cancelled, D (1 000) today.
   */
  beforeAll(async () => {
    const site = await createSite(t);
    const otherSite = await createSite(t);
    manager = (await signedInUser(t, 'gestionnaire_commandes', { siteId: site.id })).token;
    vendor = (await signedInUser(t, 'vendeur', { siteId: site.id })).token;
    otherManager = (await signedInUser(t, 'gestionnaire_commandes', { siteId: otherSite.id })).token;
    productId = (await createProduct(t, { unitPrice: 1000 })).id;
    const created = await api(t, 'POST', '/api/clients/', {
      token: manager,
      body: { name: unique('Maquis Chez Adèle '), phone: '70 11 22 33' },
    });
    client = created.body;
    const a = await order(3, 20);
    await pay(a.id, 1000, 15);
    const b = await order(2, 5);
    await pay(a.id, 500, 4, 'orange_money', 'OM123');
    const c = await order(7, 3);
    expect(
      (await api(t, 'PATCH', `/api/orders/${c.id}/status/`, { token: manager, body: { status: 'annulee' } }))
        .status,
    ).toBe(200);
    const d = await order(1, 0);
    Object.assign(numbers, { a: a.number, b: b.number, c: c.number, d: d.number });
  });

  const url = (format: string, extra = '') =>
    `/api/clients/${client.id}/statement/?from=${from}&to=${to}&format=${format}${extra}`;

  it('opens with what was owed, lists orders and payments with the running balance, closes at the balance', async () => {
    const response = await api(t, 'GET', url('json'), { token: manager });
    expect(response.status).toBe(200);
    const statement = response.body;
    expect(statement).toMatchObject({
      from,
      to,
      opening_balance: 2000,
      total_debit: 3000,
      total_credit: 500,
      closing_balance: 4500,
    });
    expect(
      statement.lines.map((line: { kind: string; order_number: string; balance: number }) => [
        line.kind,
        line.order_number,
        line.balance,
      ]),
    ).toEqual([
      ['order', numbers.b, 4000],
      ['payment', numbers.a, 3500],
      ['order', numbers.d, 4500],
    ]);
    expect(statement.lines[1]).toMatchObject({
      method: 'orange_money',
      payment_kind: 'paiement',
      reference: 'OM123',
      credit: 500,
    });
    const detail = await api(t, 'GET', `/api/clients/${client.id}/`, { token: manager });
    expect(statement.closing_balance).toBe(detail.body.balance);
  });

  it('the PDF reads back with the client, the balances and every line (pdftotext)', async () => {
    const response = await download(t, url('pdf'), manager);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    const text = (await pdfPages(response.buffer)).join('\n');
    expect(text).toContain('Relevé de compte');
    expect(text).toContain(client.name);
    expect(text).toContain('+22670112233');
    expect(text).toMatch(/Solde d’ouverture\s+2 000/);
    expect(text).toMatch(/Solde de clôture\s+3 000\s+500\s+4 500/);
    for (const number of [numbers.b, numbers.d]) expect(text).toContain(`Commande ${number}`);
    expect(text).toContain(`Paiement Orange Money (réf. OM123) · ${numbers.a}`);
    expect(text).not.toContain(numbers.c);
  });

  it('the CSV has the opening line, the lines and the closing line', async () => {
    const response = await download(t, url('csv', '&sep=semicolon'), manager);
    expect(response.status).toBe(200);
    expect(String(response.headers['content-disposition'])).toMatch(/attachment; filename="releve_.*\.csv"/);
    const rows = parseCsv(response.buffer.toString('utf8').replace(/^\uFEFF/, ''), ';');
    expect(rows[0]).toEqual([
      'Date',
      'Opération',
      'N° commande',
      'Mode',
      'Référence',
      'Débit (FCFA)',
      'Crédit (FCFA)',
      'Solde (FCFA)',
    ]);
    const body = rows.slice(1).filter((row) => row.length > 1);
    expect(body.map((row) => [row[1], row[2], row[7]])).toEqual([
      ['Solde d’ouverture', '', '2000'],
      ['Commande', numbers.b, '4000'],
      ['Paiement', numbers.a, '3500'],
      ['Commande', numbers.d, '4500'],
      ['Solde de clôture', '', '4500'],
    ]);
    expect(body[2]!.slice(3, 7)).toEqual(['Orange Money', 'OM123', '', '500']);
  });

  it('a bad period or format is a 400; another site’s client 404; a vendor 403', async () => {
    const base = `/api/clients/${client.id}/statement/`;
    for (const query of [
      `?from=${to}&to=${from}`,
      '?from=2024-01-01&to=2026-01-01',
      '?format=xlsx',
      '?from=hier',
    ]) {
      const response = await api(t, 'GET', `${base}${query}`, { token: manager });
      expect(response.status, query).toBe(400);
      expect(response.body.error.code).toBe('validation_error');
    }
    expect((await api(t, 'GET', url('json'), { token: otherManager })).status).toBe(404);
    expect((await api(t, 'GET', url('json'), { token: vendor })).status).toBe(403);
  });
});

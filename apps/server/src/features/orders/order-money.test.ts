import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createSite, signedInUser, type TestUser, unique } from '../../../test/factories.ts';
import { api, useTestApp } from '../../../test/harness.ts';
import { MIGRATIONS_FOLDER } from '../../db/client.ts';
import { clients, orders, payments } from '../../db/schema.ts';
import { auditFor, createOrderAs, createProduct, receiveStock } from './test-helpers.ts';

describe('order money: returns lower the balance, refunds, credit moved', () => {
  const t = useTestApp();

  async function setup(siteId?: string) {
    const site = siteId ? { id: siteId } : await createSite(t);
    const stocker = await signedInUser(t, 'gestionnaire_stocks', { siteId: site.id });
    const manager = await signedInUser(t, 'gestionnaire_commandes', { siteId: site.id });
    const vendor = await signedInUser(t, 'vendeur', { siteId: site.id });
    const product = await createProduct(t, { unitPrice: 1000 });
    await receiveStock(t, stocker.token, [{ product_id: product.id, quantity: 100 }]);
    const client = await newClient(site.id, manager);
    return { site, stocker, manager, vendor, product, client };
  }
  type Setup = Awaited<ReturnType<typeof setup>>;

  async function newClient(siteId: string, by: { user: TestUser }) {
    const [row] = await t.db
      .insert(clients)
      .values({ siteId, name: unique('Maquis '), createdBy: by.user.id })
      .returning();
    return row!;
  }

  /** An order of `quantity` × 1 000 for the client, delivered at once (direct sale) or left new, then paid. */
  async function orderFor(
    s: Setup,
    quantity: number,
    paid: number,
    options: { direct?: boolean; clientId?: string | null } = {},
  ) {
    const created = await createOrderAs(t, s.manager.token, [s.product.id], {
      direct_sale: options.direct ?? true,
      items: [{ product_id: s.product.id, quantity }],
    });
    const clientId = options.clientId === undefined ? s.client.id : options.clientId;
    await t.db.update(orders).set({ clientId }).where(eq(orders.id, created.id));
    if (paid > 0) {
      const response = await api(t, 'PATCH', `/api/orders/${created.id}/payment/`, {
        token: s.manager.token,
        body: { amount: paid, method: 'especes' },
      });
      expect(response.status).toBe(200);
    }
    return get(s, created.id);
  }

  async function get(s: Setup, id: string) {
    const response = await api(t, 'GET', `/api/orders/${id}/`, { token: s.manager.token });
    expect(response.status).toBe(200);
    return response.body;
  }

  const returnItems = (s: Setup, order: { id: string; items: { id: string }[] }, quantity: number) =>
    api(t, 'POST', `/api/orders/${order.id}/return/`, {
      token: s.manager.token,
      body: { reason: 'Pots abîmés', items: [{ item_id: order.items[0]!.id, quantity }] },
    });

  /** What the database holds of an order's money: to compare before and after a refused request. */
  async function moneyRows(...ids: string[]) {
    const rows = [];
    for (const id of ids) {
      const [order] = await t.db.select().from(orders).where(eq(orders.id, id));
      const rowsOf = await t.db.select().from(payments).where(eq(payments.orderId, id));
      rows.push({
        paid: order!.paidAmount,
        returned: order!.returnedAmount,
        status: order!.paymentStatus,
        version: order!.version,
        payments: rowsOf.length,
      });
    }
    return rows;
  }

  it('lowers what the order asks by the returned items at the order’s prices, and the status follows', async () => {
    const s = await setup();
    const order = await orderFor(s, 5, 2000);
    expect(order).toMatchObject({ total_amount: 5000, returned_amount: 0, balance: 3000, credit: 0 });

    const first = await returnItems(s, order, 1);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      total_amount: 5000,
      returned_amount: 1000,
      paid_amount: 2000,
      balance: 2000,
      credit: 0,
      payment_status: 'partielle',
    });
    // A payment stops at the lowered balance.
    const over = await api(t, 'PATCH', `/api/orders/${order.id}/payment/`, {
      token: s.manager.token,
      body: { amount: 2001, method: 'especes' },
    });
    expect(over.status).toBe(400);
    expect(over.body.error.details.balance).toBe(2000);

    const second = await returnItems(s, order, 2);
    expect(second.body).toMatchObject({
      returned_amount: 3000,
      balance: 0,
      credit: 0,
      payment_status: 'payee',
    });
    const audit = (await auditFor(t, order.id)).filter((row) => row.action === 'order.return');
    expect(audit.map((row) => (row.after as { returned_amount: number }).returned_amount)).toEqual([
      1000, 3000,
    ]);
  });

  it('turns what was paid beyond what is due into a credit, refunded by an order manager', async () => {
    const s = await setup();
    const order = await orderFor(s, 4, 4000);
    const returned = await returnItems(s, order, 3);
    expect(returned.body).toMatchObject({
      returned_amount: 3000,
      balance: 0,
      credit: 3000,
      payment_status: 'payee',
    });

    const refund = await api(t, 'POST', `/api/orders/${order.id}/refund/`, {
      token: s.manager.token,
      body: {
        amount: 2000,
        method: 'orange_money',
        reference: 'OM1207.1530.R1',
        version: returned.body.version,
      },
    });
    expect(refund.status).toBe(200);
    expect(refund.body).toMatchObject({
      paid_amount: 2000,
      balance: 0,
      credit: 1000,
      payment_status: 'payee',
    });
    expect(refund.body.payments.at(-1)).toMatchObject({
      amount: -2000,
      kind: 'remboursement',
      method: 'orange_money',
      reference: 'OM1207.1530.R1',
      recorded_by: s.manager.user.id,
      linked_order_id: null,
    });
    expect(refund.body.payments[0]).toMatchObject({ amount: 4000, kind: 'paiement' });
    const rest = await api(t, 'POST', `/api/orders/${order.id}/refund/`, {
      token: s.manager.token,
      body: { amount: 1000, method: 'especes', reference: 'Reçu 118', version: refund.body.version },
    });
    expect(rest.body).toMatchObject({ paid_amount: 1000, credit: 0, balance: 0, payment_status: 'payee' });
    expect((await auditFor(t, order.id)).filter((row) => row.action === 'order.refund')).toHaveLength(2);
  });

  it('a paid order then cancelled asks nothing: all it was paid is credit, counted in the client’s balance, refunded by an order manager only', async () => {
    const s = await setup();
    const order = await orderFor(s, 3, 1200, { direct: false }); // 3 000, 1 200 paid
    const cancelled = await api(t, 'PATCH', `/api/orders/${order.id}/status/`, {
      token: s.manager.token,
      body: { status: 'annulee' },
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({
      paid_amount: 1200,
      balance: 0,
      credit: 1200,
      payment_status: 'partielle',
    });
    const client = await api(t, 'GET', `/api/clients/${s.client.id}/`, { token: s.manager.token });
    expect(client.body).toMatchObject({ balance: -1200, total_amount: 0, paid_amount: 1200 });

    const body = { amount: 1200, method: 'especes', reference: 'Reçu 9', version: cancelled.body.version };
    const byVendor = await api(t, 'POST', `/api/orders/${order.id}/refund/`, { token: s.vendor.token, body });
    expect(byVendor.status).toBe(403);
    const refund = await api(t, 'POST', `/api/orders/${order.id}/refund/`, { token: s.manager.token, body });
    expect(refund.status).toBe(200);
    expect(refund.body).toMatchObject({ paid_amount: 0, balance: 0, credit: 0 });
    const after = await api(t, 'GET', `/api/clients/${s.client.id}/`, { token: s.manager.token });
    expect(after.body).toMatchObject({ balance: 0, paid_amount: 0 });
  });

  it('refuses a refund above the credit, repeated, without reference, by a vendor or another site, writing nothing', async () => {
    const s = await setup();
    const order = await orderFor(s, 4, 4000);
    const { body: returned } = await returnItems(s, order, 1); // credit 1 000
    const before = await moneyRows(order.id);
    const refund = (body: Record<string, unknown>, token = s.manager.token) =>
      api(t, 'POST', `/api/orders/${order.id}/refund/`, { token, body });
    const valid = { amount: 500, method: 'especes', reference: 'Reçu 1', version: returned.version };

    const above = await refund({ ...valid, amount: 1001 });
    expect(above.status).toBe(400);
    expect(above.body.error).toMatchObject({
      code: 'validation_error',
      details: { credit: 1000, fields: [{ field: 'amount', code: 'exceeds_credit' }] },
    });
    for (const body of [
      { ...valid, reference: undefined },
      { ...valid, method: 'avoir' },
      { ...valid, amount: 0 },
      { ...valid, amount: -500 },
      { ...valid, version: undefined },
    ]) {
      const response = await refund(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
    expect((await refund(valid, s.vendor.token)).status).toBe(403);
    expect((await refund(valid, s.stocker.token)).status).toBe(403);
    const elsewhere = await signedInUser(t, 'gestionnaire_commandes', { siteId: (await createSite(t)).id });
    expect((await refund(valid, elsewhere.token)).status).toBe(404);
    expect(await moneyRows(order.id)).toEqual(before);

    // The same refund sent twice (a double click, a retry): once.
    expect((await refund(valid)).status).toBe(200);
    const again = await refund(valid);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('version_conflict');
    const [row] = await t.db.select().from(orders).where(eq(orders.id, order.id));
    expect(row!.paidAmount).toBe(3500);

    // No credit at all: nothing to refund.
    const unpaid = await orderFor(s, 2, 0);
    const none = await api(t, 'POST', `/api/orders/${unpaid.id}/refund/`, {
      token: s.manager.token,
      body: { ...valid, amount: 1, version: unpaid.version },
    });
    expect(none.status).toBe(400);
    expect(none.body.error.details.credit).toBe(0);
  });

  it('moves a credit to another open order of the same client, both rows linked, in one transaction', async () => {
    const s = await setup();
    const source = await orderFor(s, 3, 3000);
    const { body: returned } = await returnItems(s, source, 2); // credit 2 000
    const target = await orderFor(s, 3, 0, { direct: false }); // new, balance 3 000

    // Where the credit may go: the client's open orders owing something, not itself, not another client's.
    await orderFor(s, 1, 0, { direct: false, clientId: (await newClient(s.site.id, s.manager)).id });
    const targets = await api(t, 'GET', `/api/orders/${source.id}/credit-targets/`, {
      token: s.manager.token,
    });
    expect(targets.status).toBe(200);
    expect(targets.body.items.map((item: { id: string }) => item.id)).toEqual([target.id]);
    expect(targets.body.items[0]).toMatchObject({ balance: 3000, credit: 0 });
    const forVendor = await api(t, 'GET', `/api/orders/${source.id}/credit-targets/`, {
      token: s.vendor.token,
    });
    expect(forVendor.status).toBe(403);

    const moved = await api(t, 'POST', `/api/orders/${source.id}/credit/`, {
      token: s.manager.token,
      body: { target_order_id: target.id, amount: 1500, version: returned.version },
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ paid_amount: 1500, returned_amount: 2000, credit: 500, balance: 0 });
    expect(moved.body.payments.at(-1)).toMatchObject({
      amount: -1500,
      method: 'avoir',
      kind: 'avoir_sortant',
      linked_order_id: target.id,
      linked_order_number: target.number,
    });
    const after = await get(s, target.id);
    expect(after).toMatchObject({ paid_amount: 1500, balance: 1500, credit: 0, payment_status: 'partielle' });
    expect(after.payments).toHaveLength(1);
    expect(after.payments[0]).toMatchObject({
      amount: 1500,
      kind: 'avoir_entrant',
      linked_order_id: source.id,
      linked_order_number: source.number,
    });
    expect((await auditFor(t, source.id)).some((row) => row.action === 'order.credit_out')).toBe(true);
    expect((await auditFor(t, target.id)).some((row) => row.action === 'order.credit_in')).toBe(true);

    // The client's balance is the sum over their orders, and the money moved, none made.
    const [sum] = await t.db
      .select({
        net: sql<number>`sum(${orders.totalAmount} - ${orders.returnedAmount} - ${orders.paidAmount})::int`,
        paid: sql<number>`sum(${orders.paidAmount})::int`,
      })
      .from(orders)
      .where(eq(orders.clientId, s.client.id));
    expect(sum!.net).toBe(1500 - 500);
    expect(sum!.paid).toBe(3000);
  });

  it('refuses a credit moved twice, above the credit or the balance, to another client, site, itself or a cancelled order', async () => {
    const s = await setup();
    const source = await orderFor(s, 3, 3000);
    const { body: returned } = await returnItems(s, source, 2); // credit 2 000
    const target = await orderFor(s, 1, 0, { direct: false }); // balance 1 000
    const move = (targetId: string, amount: number, version = returned.version, token = s.manager.token) =>
      api(t, 'POST', `/api/orders/${source.id}/credit/`, {
        token,
        body: { target_order_id: targetId, amount, version },
      });

    const otherClient = await orderFor(s, 2, 0, {
      direct: false,
      clientId: (await newClient(s.site.id, s.manager)).id,
    });
    const noClient = await orderFor(s, 2, 0, { direct: false, clientId: null });
    const cancelled = await orderFor(s, 2, 0, { direct: false });
    await api(t, 'PATCH', `/api/orders/${cancelled.id}/status/`, {
      token: s.manager.token,
      body: { status: 'annulee' },
    });
    const admin = await signedInUser(t, 'admin');
    const other = await setup();
    const otherSite = await orderFor(other, 2, 0, { direct: false, clientId: s.client.id });
    const ids = [source.id, target.id, otherClient.id, noClient.id, cancelled.id, otherSite.id];
    const before = await moneyRows(...ids);

    const aboveBalance = await move(target.id, 1001);
    expect(aboveBalance.status).toBe(400);
    expect(aboveBalance.body.error.details).toMatchObject({
      balance: 1000,
      fields: [{ code: 'exceeds_balance' }],
    });
    const bigTarget = await orderFor(s, 5, 0, { direct: false });
    ids.push(bigTarget.id);
    before.push(...(await moneyRows(bigTarget.id)));
    const aboveCredit = await move(bigTarget.id, 2001);
    expect(aboveCredit.status).toBe(400);
    expect(aboveCredit.body.error.details).toMatchObject({
      credit: 2000,
      fields: [{ code: 'exceeds_credit' }],
    });
    for (const [what, id] of Object.entries({
      otherClient: otherClient.id,
      noClient: noClient.id,
      cancelled: cancelled.id,
      itself: source.id,
    })) {
      const response = await move(id, 100);
      expect(response.status, what).toBe(409);
      expect(response.body.error.code).toBe('credit_target_invalid');
    }
    // An admin sees both sites, still never across them.
    const across = await move(otherSite.id, 100, returned.version, admin.token);
    expect(across.status).toBe(409);
    expect(across.body.error.code).toBe('credit_target_invalid');
    expect((await move(randomUUID(), 100)).status).toBe(404);
    expect((await move(target.id, 100, returned.version, s.vendor.token)).status).toBe(403);
    expect((await move(target.id, 100, returned.version, other.manager.token)).status).toBe(404);
    expect(await moneyRows(...ids)).toEqual(before);

    // Applied, then the same request again: refused, the credit moved once.
    expect((await move(target.id, 1000)).status).toBe(200);
    const twice = await move(target.id, 1000);
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('version_conflict');
    expect((await get(s, source.id)).credit).toBe(1000);
    expect((await get(s, target.id)).paid_amount).toBe(1000);
  });

  it('refuses through the database a credit moved in that names no credit moved out, or names one twice', async () => {
    const s = await setup();
    const order = await orderFor(s, 2, 0, { direct: false });
    await expect(
      t.db
        .insert(payments)
        .values({ orderId: order.id, amount: 100, method: 'avoir', recordedBy: s.manager.user.id }),
    ).rejects.toThrow();
    await expect(
      t.db
        .insert(payments)
        .values({ orderId: order.id, amount: 0, method: 'especes', recordedBy: s.manager.user.id }),
    ).rejects.toThrow();
    await expect(
      t.db.update(orders).set({ paidAmount: 2001 }).where(eq(orders.id, order.id)),
    ).rejects.toThrow();
    // A credit moved out pays one order, once.
    const other = await orderFor(s, 2, 0, { direct: false });
    const [out] = await t.db
      .insert(payments)
      .values({ orderId: other.id, amount: -100, method: 'avoir', recordedBy: s.manager.user.id })
      .returning();
    const moveIn = () =>
      t.db.insert(payments).values({
        orderId: order.id,
        amount: 100,
        method: 'avoir',
        creditSourceId: out!.id,
        recordedBy: s.manager.user.id,
      });
    await moveIn();
    await expect(moveIn()).rejects.toThrow();
  });

  it('migration 0016 computes the returned amount of orders returned before it, and their status', async () => {
    const s = await setup();
    const order = await orderFor(s, 4, 3000);
    await returnItems(s, order, 1);
    // As the order stood before the migration: returns recorded, no returned amount, status from the total.
    await t.db
      .update(orders)
      .set({ returnedAmount: 0, paymentStatus: 'partielle' })
      .where(eq(orders.id, order.id));
    const migration = readFileSync(path.join(MIGRATIONS_FOLDER, '0016_order_money.sql'), 'utf8');
    const backfill = migration.split('--> statement-breakpoint').at(-1)!;
    expect(backfill).toContain('UPDATE "orders"');
    await t.db.execute(sql.raw(backfill));
    const [row] = await t.db.select().from(orders).where(eq(orders.id, order.id));
    expect(row).toMatchObject({ returnedAmount: 1000, paymentStatus: 'payee', paidAmount: 3000 });
  });
});

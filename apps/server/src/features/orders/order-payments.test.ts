import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { signedInUser } from '../../../test/factories.ts';
import { api, useTestApp } from '../../../test/harness.ts';
import { notifications, orders, payments } from '../../db/schema.ts';
import { toNotificationDto } from '../notifications/notifications.repo.ts';
import { auditFor, createOrderAs, createProduct } from './test-helpers.ts';

describe('order payments', () => {
  const t = useTestApp();

  async function newOrder(unitPrice = 1000, quantity = 3) {
    const manager = await signedInUser(t, 'gestionnaire_commandes');
    const product = await createProduct(t, { unitPrice });
    const order = await createOrderAs(t, manager.token, [product.id], {
      items: [{ product_id: product.id, quantity }],
    });
    const pay = (body: Record<string, unknown>, token = manager.token) =>
      api(t, 'PATCH', `/api/orders/${order.id}/payment/`, { token, body });
    return { manager, order, pay };
  }

  it('derives the payment status from the payments recorded', async () => {
    const { order, pay, manager } = await newOrder();
    expect(order.total_amount).toBe(3000);
    const first = await pay({ amount: 1000, method: 'especes' });
    expect(first.status).toBe(200);
    expect(first.body.payment_status).toBe('partielle');
    expect(first.body.paid_amount).toBe(1000);
    expect(first.body.balance).toBe(2000);
    const second = await pay({ amount: 2000, method: 'orange_money', reference: 'OM240601.1234.A56789' });
    expect(second.body.payment_status).toBe('payee');
    expect(second.body.balance).toBe(0);
    expect(second.body.version).toBe(3);
    expect(second.body.payments).toHaveLength(2);
    expect(second.body.payments[1]).toMatchObject({
      amount: 2000,
      method: 'orange_money',
      reference: 'OM240601.1234.A56789',
      recorded_by: manager.user.id,
    });
    expect(second.body.payments[1].created_at).toMatch(/Z$/);
    const audit = await auditFor(t, order.id);
    expect(audit.filter((row) => row.action === 'order.payment')).toHaveLength(2);
  });

  it('notifies the payment with its amounts grouped by thousands', async () => {
    const { order, pay } = await newOrder(12_500, 2);
    expect((await pay({ amount: 12_500, method: 'moov_money' })).status).toBe(200);
    const [notice] = await t.db
      .select()
      .from(notifications)
      .where(
        and(
          eq(notifications.kind, 'paiement_enregistre'),
          sql`${notifications.data}->>'order_id' = ${order.id}`,
        ),
      );
    expect(notice).toBeDefined();
    expect(toNotificationDto(notice!)).toMatchObject({
      title: `Paiement de 12 500 sur ${order.number}`,
      body: `${order.client_name} · Moov Money · payée en partie (12 500 / 25 000)`,
    });
  });

  it('refuses a payment of 0, a negative one, or more than the balance, and writes nothing', async () => {
    const { order, pay } = await newOrder();
    await pay({ amount: 2500, method: 'especes' });
    for (const body of [
      { amount: 0, method: 'especes' },
      { amount: -5, method: 'especes' },
      { amount: 501, method: 'especes' },
      { amount: 100, method: 'wave' },
      { amount: 100 },
    ]) {
      const response = await pay(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error.code).toBe('validation_error');
    }
    const over = await pay({ amount: 501, method: 'moov_money' });
    expect(over.body.error.details.balance).toBe(500);
    const rows = await t.db.select().from(payments).where(eq(payments.orderId, order.id));
    expect(rows).toHaveLength(1);
    const [row] = await t.db.select().from(orders).where(eq(orders.id, order.id));
    expect(row!.paidAmount).toBe(2500);
    expect(row!.version).toBe(2);
  });

  it('lets a vendor record a payment on their own order only, and never a stock manager', async () => {
    const vendor = await signedInUser(t, 'vendeur');
    const product = await createProduct(t, { unitPrice: 1000 });
    const own = await createOrderAs(t, vendor.token, [product.id], {
      items: [{ product_id: product.id, quantity: 2 }],
    });
    const paid = await api(t, 'PATCH', `/api/orders/${own.id}/payment/`, {
      token: vendor.token,
      body: { amount: 500, method: 'moov_money', reference: 'MM1207.1405.C1' },
    });
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({ paid_amount: 500, payment_status: 'partielle' });
    expect(paid.body.payments[0]).toMatchObject({
      recorded_by: vendor.user.id,
      recorded_by_name: 'Test vendeur',
    });
    const over = await api(t, 'PATCH', `/api/orders/${own.id}/payment/`, {
      token: vendor.token,
      body: { amount: 1501, method: 'especes' },
    });
    expect(over.status).toBe(400);
    expect(over.body.error.message).toBe('Le montant dépasse le solde restant (1 500)');

    const { order, pay } = await newOrder();
    expect((await pay({ amount: 100, method: 'especes' }, vendor.token)).status).toBe(404);
    const stockManager = await signedInUser(t, 'gestionnaire_stocks');
    expect((await pay({ amount: 100, method: 'especes' }, stockManager.token)).status).toBe(403);
    expect(await t.db.select().from(payments).where(eq(payments.orderId, order.id))).toHaveLength(0);
  });

  it('refuses payments on cancelled orders', async () => {
    const { order, pay, manager } = await newOrder();
    await api(t, 'PATCH', `/api/orders/${order.id}/status/`, {
      token: manager.token,
      body: { status: 'annulee' },
    });
    const response = await pay({ amount: 100, method: 'especes' });
    expect(response.status).toBe(409);
    expect(await t.db.select().from(payments).where(eq(payments.orderId, order.id))).toHaveLength(0);
  });

  it('never pays more than the total under concurrent payments', async () => {
    const { order, pay } = await newOrder(1000, 1);
    const responses = await Promise.all(
      Array.from({ length: 6 }, () => pay({ amount: 400, method: 'especes' })),
    );
    expect(responses.filter((r) => r.status === 200)).toHaveLength(2);
    const [row] = await t.db.select().from(orders).where(eq(orders.id, order.id));
    expect(row!.paidAmount).toBe(800);
    expect(row!.paymentStatus).toBe('partielle');
  });

  it('refuses an edit that would bring the total below what was paid', async () => {
    const { order, pay, manager } = await newOrder(1000, 3);
    await pay({ amount: 2500, method: 'especes' });
    const response = await api(t, 'PUT', `/api/orders/${order.id}/`, {
      token: manager.token,
      body: { items: [{ product_id: order.items[0].product_id, quantity: 2 }] },
    });
    expect(response.status).toBe(409);
    const [row] = await t.db.select().from(orders).where(eq(orders.id, order.id));
    expect(row!.totalAmount).toBe(3000);
  });
});

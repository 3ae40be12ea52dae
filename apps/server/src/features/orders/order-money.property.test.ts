import { orderMoney, type PaymentStatus, paymentStatusFor } from '@gapal/shared';
import { eq, inArray, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSite, signedInUser, unique } from '../../../test/factories.ts';
import { api, useTestApp } from '../../../test/harness.ts';
import { clients, orders, payments } from '../../db/schema.ts';
import { orderDueSql } from './order-money.repo.ts';
import { createProduct, isoDay, orderBody, receiveStock } from './test-helpers.ts';

type Command =
  | { kind: 'create'; client: number; quantity: number; direct: boolean }
  | { kind: 'deliver'; order: number }
  | { kind: 'cancel'; order: number }
  | { kind: 'pay'; order: number; amount: number }
  | { kind: 'return'; order: number; quantity: number }
  | { kind: 'refund'; order: number; amount: number }
  | { kind: 'credit'; order: number; target: number; amount: number };

type ModelOrder = {
  id: string;
  client: number;
  delivered: boolean;
  /** Cancelled, with the payment status it had then (a cancelled order's status stays). */
  cancelled: PaymentStatus | null;
  quantity: number;
  returnedQuantity: number;
  total: number;
  returned: number;
  paid: number;
  version: number;
  itemId: string;
};

const PRICE = 700;
const CLIENTS = 2;

const order = fc.nat();
// 0 stands for "all of it" (the balance, the credit): the sequences reach a credit often.
const amount = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3000 }));
const commandArb: fc.Arbitrary<Command> = fc.oneof(
  fc.record({
    kind: fc.constant('create' as const),
    client: fc.nat({ max: CLIENTS - 1 }),
    quantity: fc.integer({ min: 1, max: 4 }),
    direct: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('deliver' as const), order }),
  fc.record({ kind: fc.constant('cancel' as const), order }),
  fc.record({ kind: fc.constant('pay' as const), order, amount }),
  fc.record({ kind: fc.constant('return' as const), order, quantity: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant('refund' as const), order, amount }),
  fc.record({ kind: fc.constant('credit' as const), order, target: fc.nat(), amount }),
);

const moneyOf = (o: ModelOrder) =>
  orderMoney({ total: o.total, returned: o.returned, paid: o.paid, cancelled: o.cancelled !== null });
const statusOf = (o: ModelOrder) => o.cancelled ?? paymentStatusFor(o.paid, moneyOf(o).due);

describe('order money: property-based', () => {
  const t = useTestApp();

  it('random orders, deliveries, cancellations, payments, returns, refunds and credits: each client’s balance is the sum of its orders’, no money made or lost', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(commandArb, { minLength: 1, maxLength: 18 }), async (commands) => {
        const site = await createSite(t);
        const stocker = await signedInUser(t, 'gestionnaire_stocks', { siteId: site.id });
        const manager = await signedInUser(t, 'gestionnaire_commandes', { siteId: site.id });
        const { token } = manager;
        const product = await createProduct(t, { unitPrice: PRICE });
        await receiveStock(t, stocker.token, [{ product_id: product.id, quantity: 500 }]);
        const clientIds: string[] = [];
        for (let i = 0; i < CLIENTS; i++) {
          const [row] = await t.db
            .insert(clients)
            .values({ siteId: site.id, name: unique('Client '), createdBy: manager.user.id })
            .returning();
          clientIds.push(row!.id);
        }
        const model: ModelOrder[] = [];
        // Money that crossed the counter: received from clients, given back to them.
        let received = 0;
        let refunded = 0;

        for (const command of commands) {
          if (command.kind === 'create') {
            const response = await api(t, 'POST', '/api/orders/', {
              token,
              body: orderBody([], {
                direct_sale: command.direct,
                items: [{ product_id: product.id, quantity: command.quantity }],
              }),
            });
            expect(response.status).toBe(201);
            await t.db
              .update(orders)
              .set({ clientId: clientIds[command.client]! })
              .where(eq(orders.id, response.body.id));
            model.push({
              id: response.body.id,
              client: command.client,
              delivered: command.direct,
              cancelled: null,
              quantity: command.quantity,
              returnedQuantity: 0,
              total: command.quantity * PRICE,
              returned: 0,
              paid: 0,
              version: response.body.version,
              itemId: response.body.items[0].id,
            });
            continue;
          }
          if (model.length === 0) continue;
          const o = model[command.order % model.length]!;
          const url = `/api/orders/${o.id}`;

          if (command.kind === 'cancel') {
            const response = await api(t, 'PATCH', `${url}/status/`, { token, body: { status: 'annulee' } });
            if (o.delivered || o.cancelled) expect(response.status).toBe(409);
            else {
              // Paid or not: from now on it asks nothing, what it holds is credit.
              expect(response.status).toBe(200);
              o.cancelled = statusOf(o);
              o.version = response.body.version;
            }
          } else if (command.kind === 'deliver') {
            if (o.delivered || o.cancelled) continue;
            for (const status of ['en_preparation', 'en_cours', 'livree']) {
              const response = await api(t, 'PATCH', `${url}/status/`, { token, body: { status } });
              expect(response.status).toBe(200);
              o.version = response.body.version;
            }
            o.delivered = true;
          } else if (command.kind === 'pay') {
            const value = command.amount || Math.max(1, moneyOf(o).balance);
            const response = await api(t, 'PATCH', `${url}/payment/`, {
              token,
              body: { amount: value, method: 'especes' },
            });
            if (o.cancelled) expect(response.status).toBe(409);
            else if (value > moneyOf(o).balance) expect(response.status).toBe(400);
            else {
              expect(response.status).toBe(200);
              o.paid += value;
              received += value;
              o.version = response.body.version;
            }
          } else if (command.kind === 'return') {
            const response = await api(t, 'POST', `${url}/return/`, {
              token,
              body: { reason: 'retour', items: [{ item_id: o.itemId, quantity: command.quantity }] },
            });
            if (!o.delivered) expect(response.status).toBe(409);
            else if (command.quantity > o.quantity - o.returnedQuantity) expect(response.status).toBe(400);
            else {
              expect(response.status).toBe(200);
              o.returnedQuantity += command.quantity;
              o.returned += command.quantity * PRICE;
              o.version = response.body.version;
            }
          } else if (command.kind === 'refund') {
            const value = command.amount || Math.max(1, moneyOf(o).credit);
            const response = await api(t, 'POST', `${url}/refund/`, {
              token,
              body: { amount: value, method: 'especes', reference: 'R', version: o.version },
            });
            if (value > moneyOf(o).credit) {
              expect(response.status).toBe(400);
              expect(response.body.error.details.credit).toBe(moneyOf(o).credit);
            } else {
              expect(response.status).toBe(200);
              o.paid -= value;
              refunded += value;
              o.version = response.body.version;
            }
          } else {
            const target = model[command.target % model.length]!;
            const value = command.amount || Math.max(1, Math.min(moneyOf(o).credit, moneyOf(target).balance));
            const response = await api(t, 'POST', `${url}/credit/`, {
              token,
              body: { target_order_id: target.id, amount: value, version: o.version },
            });
            if (target === o || target.client !== o.client || target.cancelled) {
              expect(response.status).toBe(409);
              expect(response.body.error.code).toBe('credit_target_invalid');
            } else if (value > moneyOf(o).credit || value > moneyOf(target).balance) {
              expect(response.status).toBe(400);
            } else {
              expect(response.status).toBe(200);
              o.paid -= value;
              target.paid += value;
              o.version = response.body.version;
              target.version = (await api(t, 'GET', `/api/orders/${target.id}/`, { token })).body.version;
            }
          }
        }

        // Each order as the model says, its status following what is paid against what is due.
        const byClient = new Map<number, number>();
        for (const o of model) {
          const { body } = await api(t, 'GET', `/api/orders/${o.id}/`, { token });
          const money = moneyOf(o);
          expect(body).toMatchObject({
            total_amount: o.total,
            returned_amount: o.returned,
            paid_amount: o.paid,
            balance: money.balance,
            credit: money.credit,
            payment_status: statusOf(o),
          });
          expect(body.paid_amount).toBeGreaterThanOrEqual(0);
          expect(body.paid_amount).toBeLessThanOrEqual(body.total_amount);
          // The payments add up to what is paid.
          expect(body.payments.reduce((sum: number, p: { amount: number }) => sum + p.amount, 0)).toBe(
            o.paid,
          );
          byClient.set(o.client, (byClient.get(o.client) ?? 0) + body.balance - body.credit);
        }
        // The order list (its summaries built in SQL) shows the same balance and credit.
        const listed = await api(t, 'GET', '/api/orders/?limit=200', { token });
        expect(listed.status).toBe(200);
        for (const o of model) {
          const item = listed.body.items.find((row: { id: string }) => row.id === o.id);
          expect(item).toMatchObject({ balance: moneyOf(o).balance, credit: moneyOf(o).credit });
        }
        // Each client's balance, as the database sums it (the SQL copy of `due`), is the sum of
        // its orders' balances.
        const sums = await t.db
          .select({
            clientId: orders.clientId,
            balance: sql<number>`sum(${orderDueSql} - ${orders.paidAmount})::int`,
          })
          .from(orders)
          .where(inArray(orders.clientId, clientIds))
          .groupBy(orders.clientId);
        for (const [client, id] of clientIds.entries()) {
          const row = sums.find((sum) => sum.clientId === id);
          expect(Number(row?.balance ?? 0)).toBe(byClient.get(client) ?? 0);
          // And as the client directory shows it.
          const { body: shown } = await api(t, 'GET', `/api/clients/${id}/`, { token });
          expect(shown.balance).toBe(byClient.get(client) ?? 0);
          // And as its statement closes (a cancelled order's payments listed, the order not).
          const statement = await api(
            t,
            'GET',
            `/api/clients/${id}/statement/?from=${isoDay(-1)}&to=${isoDay(0)}&format=json`,
            { token },
          );
          expect(statement.status).toBe(200);
          expect(statement.body.closing_balance).toBe(byClient.get(client) ?? 0);
        }
        // No money made or lost: what is held on the orders is what was received less what was
        // given back; credits moved between orders net to nothing.
        const ids = model.map((o) => o.id);
        if (ids.length === 0) return;
        const [held] = await t.db
          .select({
            paid: sql<number>`coalesce(sum(${payments.amount}), 0)::int`,
            moved: sql<number>`coalesce(sum(${payments.amount}) FILTER (WHERE ${payments.method} = 'avoir'), 0)::int`,
            received: sql<number>`coalesce(sum(${payments.amount}) FILTER (WHERE ${payments.amount} > 0 AND ${payments.method} <> 'avoir'), 0)::int`,
            refunded: sql<number>`coalesce(-sum(${payments.amount}) FILTER (WHERE ${payments.amount} < 0 AND ${payments.method} <> 'avoir'), 0)::int`,
          })
          .from(payments)
          .where(inArray(payments.orderId, ids));
        expect(Number(held!.moved)).toBe(0);
        expect(Number(held!.received)).toBe(received);
        expect(Number(held!.refunded)).toBe(refunded);
        expect(Number(held!.paid)).toBe(received - refunded);
        expect(model.reduce((sum, o) => sum + o.paid, 0)).toBe(received - refunded);
      }),
      {
        numRuns: 8,
        // One sequence that surely reaches every rule: a credit refunded in part, moved in part.
        examples: [
          [
            [
              { kind: 'create', client: 0, quantity: 4, direct: true },
              { kind: 'pay', order: 0, amount: 0 },
              { kind: 'return', order: 0, quantity: 2 },
              { kind: 'refund', order: 0, amount: 300 },
              { kind: 'create', client: 0, quantity: 1, direct: false },
              { kind: 'create', client: 1, quantity: 1, direct: false },
              { kind: 'credit', order: 0, target: 2, amount: 100 },
              { kind: 'credit', order: 0, target: 1, amount: 0 },
              { kind: 'deliver', order: 1 },
              { kind: 'return', order: 1, quantity: 1 },
              { kind: 'refund', order: 1, amount: 0 },
              { kind: 'refund', order: 0, amount: 0 },
            ],
          ],
          // A paid order cancelled: its credit moved in part, refunded for the rest; an unpaid one
          // cancelled, then refused a payment; a credit refused to a cancelled order.
          [
            [
              { kind: 'create', client: 0, quantity: 2, direct: false },
              { kind: 'pay', order: 0, amount: 0 },
              { kind: 'create', client: 0, quantity: 1, direct: false },
              { kind: 'cancel', order: 0 },
              { kind: 'credit', order: 0, target: 1, amount: 0 },
              { kind: 'refund', order: 0, amount: 0 },
              { kind: 'create', client: 1, quantity: 1, direct: false },
              { kind: 'cancel', order: 2 },
              { kind: 'pay', order: 2, amount: 0 },
              { kind: 'credit', order: 1, target: 0, amount: 0 },
              { kind: 'cancel', order: 2 },
            ],
          ],
        ],
      },
    );
  });
});

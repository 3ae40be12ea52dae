import { DELIVERY_STATUSES, type DeliveryStatus, NEXT_STATUSES } from '@gapal/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSite, signedInUser } from '../../../test/factories.ts';
import { api, useTestApp } from '../../../test/harness.ts';
import { createProduct, ledgerProblems, orderBody, receiveStock, stockLevelOf } from './test-helpers.ts';

type Command =
  | { kind: 'create'; quantities: number[]; direct: boolean }
  | { kind: 'move'; order: number; status: DeliveryStatus }
  | { kind: 'pay'; order: number; amount: number }
  | { kind: 'return'; order: number; item: number; quantity: number };

type ModelOrder = {
  id: string;
  status: DeliveryStatus;
  total: number;
  /** The returned items' value at the order's prices: the order asks `total − returned`. */
  returned: number;
  paid: number;
  items: { id: string; product: number; quantity: number; returned: number }[];
};

const PRICES = [100, 250];
const INITIAL_STOCK = 6;

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  fc.record({
    kind: fc.constant('create' as const),
    quantities: fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 3 })),
    direct: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('move' as const),
    order: fc.nat(),
    status: fc.constantFrom(...DELIVERY_STATUSES),
  }),
  fc.record({
    kind: fc.constant('move' as const),
    order: fc.nat(),
    status: fc.constantFrom<DeliveryStatus>('en_preparation', 'en_cours', 'livree'),
  }),
  fc.record({ kind: fc.constant('pay' as const), order: fc.nat(), amount: fc.integer({ min: 1, max: 700 }) }),
  fc.record({
    kind: fc.constant('return' as const),
    order: fc.nat(),
    item: fc.nat(),
    quantity: fc.integer({ min: 1, max: 3 }),
  }),
);

describe('orders: property-based invariants', () => {
  const t = useTestApp();

  it('random create / transition / pay / return sequences keep the stock, ledger and payment invariants', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(commandArb, { minLength: 1, maxLength: 14 }), async (commands) => {
        const site = await createSite(t);
        const stocker = await signedInUser(t, 'gestionnaire_stocks', { siteId: site.id });
        const { token } = await signedInUser(t, 'gestionnaire_commandes', { siteId: site.id });
        const products = [
          await createProduct(t, { unitPrice: PRICES[0] }),
          await createProduct(t, { unitPrice: PRICES[1] }),
        ];
        await receiveStock(
          t,
          stocker.token,
          products.map((p) => ({ product_id: p.id, quantity: INITIAL_STOCK })),
        );
        const stock = [INITIAL_STOCK, INITIAL_STOCK];
        const model: ModelOrder[] = [];

        for (const command of commands) {
          if (command.kind === 'create') {
            const lines = command.quantities
              .map((quantity, product) => ({ product, quantity }))
              .filter((line) => line.quantity > 0);
            const body = orderBody([], {
              direct_sale: command.direct,
              items: lines.map((line) => ({
                product_id: products[line.product]!.id,
                quantity: line.quantity,
              })),
            });
            const response = await api(t, 'POST', '/api/orders/', { token, body });
            const short = command.direct && lines.some((line) => line.quantity > stock[line.product]!);
            if (short) {
              expect(response.status).toBe(409);
              expect(response.body.error.code).toBe('insufficient_stock');
              continue;
            }
            expect(response.status).toBe(201);
            if (command.direct) for (const line of lines) stock[line.product]! -= line.quantity;
            model.push({
              id: response.body.id,
              status: command.direct ? 'livree' : 'nouvelle',
              total: lines.reduce((sum, line) => sum + line.quantity * PRICES[line.product]!, 0),
              returned: 0,
              paid: 0,
              items: lines.map((line) => ({
                id: response.body.items.find(
                  (i: { product_id: string }) => i.product_id === products[line.product]!.id,
                ).id,
                product: line.product,
                quantity: line.quantity,
                returned: 0,
              })),
            });
            expect(response.body.total_amount).toBe(model.at(-1)!.total);
            continue;
          }
          if (model.length === 0) continue;
          const order = model[command.order % model.length]!;
          const url = `/api/orders/${order.id}`;

          if (command.kind === 'move') {
            const response = await api(t, 'PATCH', `${url}/status/`, {
              token,
              body: { status: command.status },
            });
            if (!NEXT_STATUSES[order.status].includes(command.status)) {
              expect(response.status).toBe(409);
              expect(response.body.error.code).toBe('invalid_transition');
            } else if (
              command.status === 'livree' &&
              order.items.some((i) => i.quantity > stock[i.product]!)
            ) {
              expect(response.status).toBe(409);
              expect(response.body.error.code).toBe('insufficient_stock');
            } else {
              expect(response.status).toBe(200);
              if (command.status === 'livree')
                for (const item of order.items) stock[item.product]! -= item.quantity;
              order.status = command.status;
            }
          } else if (command.kind === 'pay') {
            const response = await api(t, 'PATCH', `${url}/payment/`, {
              token,
              body: { amount: command.amount, method: 'especes' },
            });
            if (order.status === 'annulee') expect(response.status).toBe(409);
            else if (command.amount > order.total - order.returned - order.paid)
              expect(response.status).toBe(400);
            else {
              expect(response.status).toBe(200);
              order.paid += command.amount;
              const due = order.total - order.returned;
              const expected = order.paid >= due ? 'payee' : order.paid === 0 ? 'non_payee' : 'partielle';
              expect(response.body.payment_status).toBe(expected);
            }
          } else {
            const item = order.items[command.item % order.items.length]!;
            const response = await api(t, 'POST', `${url}/return/`, {
              token,
              body: { reason: 'retour client', items: [{ item_id: item.id, quantity: command.quantity }] },
            });
            if (order.status !== 'livree') expect(response.status).toBe(409);
            else if (command.quantity > item.quantity - item.returned) expect(response.status).toBe(400);
            else {
              expect(response.status).toBe(200);
              item.returned += command.quantity;
              order.returned += command.quantity * PRICES[item.product]!;
              stock[item.product]! += command.quantity;
              expect(response.body.returned_amount).toBe(order.returned);
            }
          }
        }

        // The server agrees with the model, and the design brief's invariants hold.
        for (const [p, product] of products.entries()) {
          expect(await stockLevelOf(t, site.id, product.id)).toBe(stock[p]);
          expect(stock[p]).toBeGreaterThanOrEqual(0);
        }
        expect(
          await ledgerProblems(
            t,
            site.id,
            products.map((p) => p.id),
          ),
        ).toEqual([]);
        for (const order of model) {
          const { body } = await api(t, 'GET', `/api/orders/${order.id}/`, { token });
          expect(body.delivery_status).toBe(order.status);
          expect(body.paid_amount).toBe(order.paid);
          expect(body.paid_amount).toBeLessThanOrEqual(body.total_amount);
          // A cancelled order asks for nothing: what was paid on it is credit (orderMoney).
          const due = order.status === 'annulee' ? 0 : order.total - order.returned;
          expect(body.balance - body.credit).toBe(due - order.paid);
          expect(body.payments.reduce((sum: number, p: { amount: number }) => sum + p.amount, 0)).toBe(
            order.paid,
          );
          expect(body.items.map((i: { returned_quantity: number }) => i.returned_quantity).sort()).toEqual(
            order.items.map((i) => i.returned).sort(),
          );
        }
      }),
      { numRuns: 8 },
    );
  });
});

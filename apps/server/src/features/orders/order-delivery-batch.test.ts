import type { Order } from '@gapal/shared';
import { and, eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createSite, signedInUser } from '../../../test/factories.ts';
import { api, type TestApp, useTestApp } from '../../../test/harness.ts';
import { auditLog, notifications, orders, stockMovements } from '../../db/schema.ts';
import { AppError } from '../../domain/errors.ts';
import { runWrite, systemActor } from '../../domain/write-context.ts';
import { takeStockForDocuments } from '../stock/stock-ledger.service.ts';
import { deliverOrders } from './order-delivery.service.ts';
import { createDeliveryQueue } from './order-delivery-queue.ts';
import {
  actorOf,
  createOrderAs,
  createProduct,
  ledgerProblems,
  receiveStock,
  stockLevelOf,
} from './test-helpers.ts';

/** An order of these items, moved to `en_cours` through the API (ready to be delivered). */
async function orderOnTheWay(t: TestApp, token: string, items: { product_id: string; quantity: number }[]) {
  const order = await createOrderAs(t, token, [], { items });
  for (const status of ['en_preparation', 'en_cours']) {
    const moved = await api(t, 'PATCH', `/api/orders/${order.id}/status/`, { token, body: { status } });
    if (moved.status !== 200) throw new Error(`move failed: ${JSON.stringify(moved.body)}`);
  }
  return order as Order;
}

function errorCode(result: Order | AppError | undefined): string | undefined {
  return result instanceof AppError ? result.code : undefined;
}

describe('deliveries taken together', () => {
  const t = useTestApp();

  it('one call delivers each order whole or refuses it alone, across sites', async () => {
    const [site, other] = [await createSite(t), await createSite(t)];
    const stocker = await signedInUser(t, 'gestionnaire_stocks', { siteId: site.id });
    const otherStocker = await signedInUser(t, 'gestionnaire_stocks', { siteId: other.id });
    const manager = await signedInUser(t, 'gestionnaire_commandes', { siteId: site.id });
    const otherManager = await signedInUser(t, 'gestionnaire_commandes', { siteId: other.id });
    const admin = await signedInUser(t, 'admin', { siteId: null });
    const [yaourt, lait] = [await createProduct(t), await createProduct(t)];
    await receiveStock(t, stocker.token, [
      { product_id: yaourt.id, quantity: 10 },
      { product_id: lait.id, quantity: 10 },
    ]);
    await receiveStock(t, otherStocker.token, [{ product_id: yaourt.id, quantity: 5 }]);

    const served = await orderOnTheWay(t, manager.token, [{ product_id: yaourt.id, quantity: 6 }]);
    // Served after `served`, only 4 yaourts are left: refused whole, lait included.
    const short = await orderOnTheWay(t, manager.token, [
      { product_id: lait.id, quantity: 1 },
      { product_id: yaourt.id, quantity: 5 },
    ]);
    const delivered = await orderOnTheWay(t, manager.token, [{ product_id: lait.id, quantity: 1 }]);
    await api(t, 'PATCH', `/api/orders/${delivered.id}/status/`, {
      token: manager.token,
      body: { status: 'livree' },
    });
    const stale = await orderOnTheWay(t, manager.token, [{ product_id: lait.id, quantity: 1 }]);
    const alsoServed = await orderOnTheWay(t, manager.token, [{ product_id: lait.id, quantity: 2 }]);
    const elsewhere = await orderOnTheWay(t, otherManager.token, [{ product_id: yaourt.id, quantity: 5 }]);
    const elsewhereByAdmin = await orderOnTheWay(t, otherManager.token, [
      { product_id: yaourt.id, quantity: 4 },
    ]);
    const auditBefore = await t.db.select().from(auditLog);

    const asManager = actorOf(manager.user);
    const queued: number[] = [];
    const results = await runWrite(t.app.writes, systemActor('test'), (ctx) =>
      deliverOrders(
        {
          ...ctx,
          publishAfterCommit: (event) => {
            if (event.message.type === 'notification') queued.push(Number(event.message.notification.id));
            ctx.publishAfterCommit(event);
          },
        },
        [
          { actor: asManager, id: served.id, input: {} },
          { actor: asManager, id: short.id, input: {} },
          { actor: asManager, id: delivered.id, input: {} },
          { actor: asManager, id: elsewhere.id, input: {} },
          { actor: asManager, id: stale.id, input: { version: stale.version } },
          { actor: asManager, id: alsoServed.id, input: { version: 3 } },
          { actor: actorOf(admin.user), id: elsewhereByAdmin.id, input: {} },
        ],
      ),
    );

    expect(results.map(errorCode)).toEqual([
      undefined,
      'insufficient_stock',
      'invalid_transition',
      'not_found',
      'version_conflict',
      undefined,
      undefined,
    ]);
    expect((results[1] as AppError).details).toEqual({
      shortages: [{ product_id: yaourt.id, requested: 5, available: 4, product_name: yaourt.name }],
    });
    for (const index of [0, 5, 6]) {
      expect(results[index]).toMatchObject({ delivery_status: 'livree', version: 4 });
    }

    // Stock: site 10 − 6 yaourts, 10 − 1 (earlier) − 2 lait; the other site 5 − 4.
    expect(await stockLevelOf(t, site.id, yaourt.id)).toBe(4);
    expect(await stockLevelOf(t, site.id, lait.id)).toBe(7);
    expect(await stockLevelOf(t, other.id, yaourt.id)).toBe(1);
    expect(await ledgerProblems(t, site.id, [yaourt.id, lait.id])).toEqual([]);
    expect(await ledgerProblems(t, other.id, [yaourt.id])).toEqual([]);

    // Each served order's sale movements carry its number and its deliverer; the refused have none.
    const ids = [served, short, stale, alsoServed, elsewhereByAdmin, elsewhere].map((o) => o.id);
    const sales = await t.db
      .select()
      .from(stockMovements)
      .where(and(inArray(stockMovements.orderId, ids), eq(stockMovements.type, 'vente')));
    expect(
      sales
        .map((m) => [m.orderId, m.reference, m.userId, -m.quantity])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    ).toEqual(
      [
        [served.id, served.number, manager.user.id, 6],
        [alsoServed.id, alsoServed.number, manager.user.id, 2],
        [elsewhereByAdmin.id, elsewhereByAdmin.number, admin.user.id, 4],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );

    // Statuses: only the served moved; audit and notifications for them alone.
    const rows = await t.db.select().from(orders).where(inArray(orders.id, ids));
    const statusOf = new Map(rows.map((row) => [row.id, row.deliveryStatus]));
    expect(ids.map((id) => statusOf.get(id))).toEqual([
      'livree',
      'en_cours',
      'en_cours',
      'livree',
      'livree',
      'en_cours',
    ]);
    const audited = (await t.db.select().from(auditLog)).slice(auditBefore.length);
    expect(audited.map((row) => [row.entityId, row.action, row.userId]).sort()).toEqual(
      [
        [served.id, 'order.status', manager.user.id],
        [alsoServed.id, 'order.status', manager.user.id],
        [elsewhereByAdmin.id, 'order.status', admin.user.id],
      ].sort(),
    );
    const told = await t.db.select().from(notifications).where(eq(notifications.kind, 'commande_statut'));
    const toldDelivered = told.filter((row) => (row.data as { to?: string }).to === 'livree');
    expect(toldDelivered.map((row) => (row.data as { order_id: string }).order_id).sort()).toEqual(
      [served.id, delivered.id, alsoServed.id, elsewhereByAdmin.id].sort(),
    );
    // The audit rows give the versions the orders now have; each stored notification of this
    // batch is queued for its live push under its own id.
    const versionOf = new Map(rows.map((row) => [row.id, row.version]));
    for (const row of audited) {
      expect(row.after).toMatchObject({ delivery_status: 'livree', version: versionOf.get(row.entityId!) });
    }
    const thisBatch = new Set([served.id, alsoServed.id, elsewhereByAdmin.id]);
    const storedNow = toldDelivered.filter((row) =>
      thisBatch.has((row.data as { order_id: string }).order_id),
    );
    expect(storedNow).toHaveLength(3);
    for (const row of storedNow) expect(queued).toContain(row.id);
  });

  it('takes stock for several documents in one call, answering each with its own movements', async () => {
    const stocker = await signedInUser(t, 'gestionnaire_stocks');
    const [yaourt, lait] = [await createProduct(t), await createProduct(t)];
    await receiveStock(t, stocker.token, [
      { product_id: yaourt.id, quantity: 10 },
      { product_id: lait.id, quantity: 10 },
    ]);
    const actor = actorOf(stocker.user);
    const outcomes = await runWrite(t.app.writes, systemActor('test'), (ctx) =>
      takeStockForDocuments(
        ctx,
        [
          { actor, reference: 'DOC-A', lines: [{ productId: yaourt.id, quantity: 2 }] },
          { actor, reference: 'DOC-B', lines: [{ productId: lait.id, quantity: 50 }] },
          {
            actor,
            reference: 'DOC-C',
            lines: [
              { productId: lait.id, quantity: 1 },
              { productId: yaourt.id, quantity: 3 },
            ],
          },
        ],
        { siteId: t.defaultSiteId, type: 'sortie' },
      ),
    );
    const taken = (index: number) => {
      const outcome = outcomes[index]!;
      if (!('taken' in outcome)) throw new Error(`document ${index} was refused`);
      return outcome.taken.map((row) => [row.productId, row.quantity, row.stockAfter]);
    };
    expect(taken(0)).toEqual([[yaourt.id, -2, 8]]);
    expect(outcomes[1]).toEqual({ shortages: [{ product_id: lait.id, requested: 50, available: 10 }] });
    expect(taken(2)).toEqual([
      [lait.id, -1, 9],
      [yaourt.id, -3, 5],
    ]);
    const references = await t.db
      .select({ reference: stockMovements.reference, productId: stockMovements.productId })
      .from(stockMovements)
      .where(inArray(stockMovements.reference, ['DOC-A', 'DOC-B', 'DOC-C']));
    expect(references.map((row) => `${row.reference} ${row.productId}`).sort()).toEqual(
      [`DOC-A ${yaourt.id}`, `DOC-C ${lait.id}`, `DOC-C ${yaourt.id}`].sort(),
    );
  });

  it('the queue answers every request, delivers an order asked twice once, isolates a request that breaks its batch, and announces each delivery once', async () => {
    const stocker = await signedInUser(t, 'gestionnaire_stocks');
    const manager = await signedInUser(t, 'gestionnaire_commandes');
    const product = await createProduct(t);
    await receiveStock(t, stocker.token, [{ product_id: product.id, quantity: 100 }]);
    const list = [];
    for (let i = 0; i < 4; i += 1) {
      list.push(await orderOnTheWay(t, manager.token, [{ product_id: product.id, quantity: 1 + i }]));
    }
    const queue = createDeliveryQueue(t.app.writes);
    const announced: string[] = [];
    const stopListening = t.app.bus.subscribe(({ message }) => {
      if (message.type === 'notification' && message.notification.data.to === 'livree') {
        announced.push(String(message.notification.data.order_id));
      }
    });
    const actor = actorOf(manager.user);
    const settle = (id: string) =>
      queue.deliver({ actor, id, input: {} }).then(
        (order) => order.delivery_status,
        (error: unknown) => (error instanceof AppError ? error.code : String(error)),
      );
    // All asked in one go: the first runs at once, the others wait and go together.
    const answers = await Promise.all([
      settle(list[0]!.id),
      settle(list[1]!.id),
      settle(list[1]!.id),
      // Not an id PostgreSQL accepts: the whole batch's statement fails, then each is retried alone.
      settle('not-a-uuid'),
      settle(list[2]!.id),
      settle(list[3]!.id),
    ]);
    await queue.idle();
    await new Promise((resolve) => setImmediate(resolve)); // the memory bus hands events on a later tick
    stopListening();

    expect(answers[0]).toBe('livree');
    expect(answers.slice(1, 3).sort()).toEqual(['invalid_transition', 'livree']);
    expect(answers[3]).not.toBe('livree');
    expect(answers.slice(4)).toEqual(['livree', 'livree']);
    expect(await stockLevelOf(t, t.defaultSiteId, product.id)).toBe(100 - (1 + 2 + 3 + 4));
    const sales = await t.db
      .select()
      .from(stockMovements)
      .where(
        inArray(
          stockMovements.orderId,
          list.map((order) => order.id),
        ),
      );
    expect(sales).toHaveLength(4);
    // Live: one status notification per order delivered, from a batch or from the one-by-one retry.
    expect(announced.sort()).toEqual(list.map((order) => order.id).sort());
  });
});

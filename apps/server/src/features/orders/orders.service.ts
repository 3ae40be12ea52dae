import type { CreateOrderInput, Order, UpdateOrderInput } from '@gapal/shared';
import type { Db } from '../../db/client.ts';
import type { Actor } from '../../domain/actor.ts';
import { AppError, notFound, type ServiceFieldIssue } from '../../domain/errors.ts';
import type { WriteContext } from '../../domain/write-context.ts';
import { siteForWrite } from '../../lib/site-scope.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { activeClientForOrder, createPhoneClient } from '../clients/client-resolution.service.ts';
import { notifyOrderCreated, notifyStockMovements } from '../notifications/notify.ts';
import { takeStock } from '../stock/stock-ledger.service.ts';
import { auditView, creationAuditView, toOrderDto } from './order-dto.ts';
import { assertChangeable, assertEditable, assertOrderVisible, paymentStatusOf } from './order-rules.ts';
import {
  findItems,
  findOrderIdByLocalId,
  findProducts,
  giveNumberBack,
  insertItems,
  insertNumberedOrder,
  isSiteActive,
  readOrder,
  replaceItems,
  updateOrder,
} from './orders.repo.ts';

type Line = { productId: string; quantity: number; unitPrice: number };

export async function getOrder(db: Db, actor: Actor, id: string): Promise<Order> {
  const aggregate = await readOrder(db, id);
  if (!aggregate) throw notFound('Commande');
  assertOrderVisible(actor, aggregate.order);
  return toOrderDto(aggregate);
}

/**
 * Creates an order exactly once per `local_id`: a retry, even concurrent, gets the order the
 * first call created (`created: false`). A direct sale is created delivered, and its stock
 * leaves in the same transaction.
 */
export async function createOrder(
  ctx: WriteContext,
  input: CreateOrderInput,
): Promise<{ order: Order; created: boolean }> {
  const { tx, actor } = ctx;
  const existingId = await findOrderIdByLocalId(tx, input.local_id);
  if (existingId) return { order: await existingOrder(tx, actor, existingId), created: false };

  const siteId = siteForWrite(actor, input.site_id);
  if (actor.role === 'admin' && input.site_id) await assertSiteActive(tx, input.site_id);
  assertDeliveryDate(input.delivery_date, ctx.clock.today);
  const clientId = await orderClientId(ctx, siteId, input);
  const lines = await priceLines(tx, input.items, new Map());
  const totalAmount = lines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0);
  const isDirectSale = input.direct_sale === true;

  const row = await insertNumberedOrder(tx, ctx.clock.today, {
    localId: input.local_id,
    siteId,
    createdBy: actor.userId,
    deviceId: actor.deviceId,
    clientId: clientId ?? null,
    clientName: input.client_name,
    clientPhone: input.client_phone ?? null,
    deliveryAddress: input.delivery_address ?? null,
    deliveryDate: input.delivery_date ?? null,
    priority: input.priority ?? 'moyenne',
    notes: input.notes ?? null,
    deliveryStatus: isDirectSale ? 'livree' : 'nouvelle',
    paymentStatus: paymentStatusOf(0, totalAmount),
    totalAmount,
    deliveredAt: isDirectSale ? ctx.clock.now : null,
  });
  if (!row) {
    // Another request with the same local_id committed first (the insert waited for it): give
    // back the number taken (the counter row is locked by this write since it took it, so it is
    // still the last) and answer with the other request's order.
    await giveNumberBack(tx, siteId, ctx.clock.today);
    const winnerId = await findOrderIdByLocalId(tx, input.local_id);
    if (!winnerId) throw new Error('createOrder: local_id taken by no visible order');
    return { order: await existingOrder(tx, actor, winnerId), created: false };
  }
  await insertItems(tx, row.id, lines);
  if (isDirectSale) {
    const movements = await takeStock(
      ctx,
      lines.map((line) => ({ productId: line.productId, quantity: line.quantity })),
      { siteId, type: 'vente', reference: row.number, orderId: row.id },
    );
    await notifyStockMovements(ctx, siteId, movements);
  }
  await notifyOrderCreated(ctx, row);
  await recordAudit(ctx, {
    action: isDirectSale ? 'order.direct_sale' : 'order.create',
    entity: 'order',
    entityId: row.id,
    siteId,
    after: creationAuditView(row, lines),
  });
  return { order: await getOrder(tx, actor, row.id), created: true };
}

async function existingOrder(db: Db, actor: Actor, id: string): Promise<Order> {
  try {
    return await getOrder(db, actor, id);
  } catch (error) {
    if (error instanceof AppError && error.code === 'not_found') {
      // The id belongs to an order this caller may not see: refuse without showing it.
      throw new AppError('conflict', 'Cet identifiant local est déjà utilisé', {
        fields: [{ field: 'local_id', message: 'déjà utilisé', code: 'already_used' }],
      });
    }
    throw error;
  }
}

/** Content edits (client, delivery, items): only while `nouvelle`, by its vendor or a manager. */
export async function updateOrderContent(
  ctx: WriteContext,
  id: string,
  input: UpdateOrderInput,
): Promise<Order> {
  const { tx, actor } = ctx;
  if (input.delivery_date) assertDeliveryDate(input.delivery_date, ctx.clock.today);
  const before = assertChangeable(actor, await readOrder(tx, id, { lock: true }), input.version).order;
  assertEditable(before.deliveryStatus);
  const clientId = await orderClientId(ctx, before.siteId, input);

  let lines: Line[] | undefined;
  let totalAmount = before.totalAmount;
  if (input.items) {
    const current = await findItems(tx, id);
    // Prices stay frozen for products already on the order; new ones take today's price.
    const frozen = new Map(current.map((item) => [item.productId, item.unitPrice]));
    lines = await priceLines(tx, input.items, frozen);
    totalAmount = lines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0);
    if (totalAmount < before.paidAmount) {
      throw new AppError('conflict', 'Le nouveau total est inférieur au montant déjà payé', {
        paid_amount: before.paidAmount,
        total_amount: totalAmount,
      });
    }
    await replaceItems(tx, id, lines);
  }
  const after = await updateOrder(
    tx,
    id,
    {
      clientId: clientId === undefined ? before.clientId : clientId,
      clientName: input.client_name ?? before.clientName,
      clientPhone: input.client_phone === undefined ? before.clientPhone : input.client_phone,
      deliveryAddress: input.delivery_address === undefined ? before.deliveryAddress : input.delivery_address,
      deliveryDate: input.delivery_date === undefined ? before.deliveryDate : input.delivery_date,
      priority: input.priority ?? before.priority,
      notes: input.notes === undefined ? before.notes : input.notes,
      totalAmount,
      paymentStatus: paymentStatusOf(before.paidAmount, totalAmount),
    },
    before.version,
  );
  await recordAudit(ctx, {
    action: 'order.update',
    entity: 'order',
    entityId: id,
    siteId: before.siteId,
    before: auditView(before),
    after: auditView(after, lines),
  });
  return toOrderDto((await readOrder(tx, id))!);
}

/**
 * The client an order names (`client_id`, or `new_client` made with it: clients/
 * client-resolution.service.ts); undefined when it names none. Both at once is a 400.
 */
async function orderClientId(
  ctx: WriteContext,
  siteId: string,
  input: Pick<CreateOrderInput, 'client_id' | 'new_client'>,
): Promise<string | undefined> {
  if (input.client_id && input.new_client) {
    throw new AppError('validation_error', 'Un client existant ou un nouveau client, pas les deux', {
      fields: [
        {
          field: 'client_id',
          message: 'client_id ou new_client, pas les deux',
          code: 'exactly_one_of',
          params: { fields: 'client_id, new_client' },
        },
      ],
    });
  }
  if (input.client_id) return (await activeClientForOrder(ctx, siteId, input.client_id)).id;
  if (input.new_client) return (await createPhoneClient(ctx, siteId, input.new_client)).client.id;
  return undefined;
}

/** Unknown, deleted or inactive products are a 400 naming the item; prices come from the catalog. */
async function priceLines(
  db: Db,
  items: { product_id: string; quantity: number }[],
  frozenPrices: Map<string, number>,
): Promise<Line[]> {
  const found = await findProducts(
    db,
    items.map((item) => item.product_id),
  );
  const fields: ServiceFieldIssue[] = [];
  const lines = items.map((item, index) => {
    const product = found.get(item.product_id);
    const frozen = frozenPrices.get(item.product_id);
    if (!product || (!product.isActive && frozen === undefined)) {
      fields.push({
        field: `items.${index}.product_id`,
        message: 'produit inconnu ou inactif',
        code: 'unknown_reference',
      });
    }
    return {
      productId: item.product_id,
      quantity: item.quantity,
      unitPrice: frozen ?? product?.unitPrice ?? 0,
    };
  });
  if (fields.length > 0) throw new AppError('validation_error', 'Produit inconnu ou inactif', { fields });
  return lines;
}

function assertDeliveryDate(date: string | null | undefined, today: string): void {
  if (date && date < today) {
    throw new AppError('validation_error', 'La date de livraison est passée', {
      fields: [{ field: 'delivery_date', message: 'date passée', code: 'past_date' }],
    });
  }
}

async function assertSiteActive(db: Db, siteId: string): Promise<void> {
  if (!(await isSiteActive(db, siteId))) {
    throw new AppError('validation_error', 'Site inconnu ou inactif', {
      fields: [{ field: 'site_id', message: 'site inconnu ou inactif', code: 'unknown_reference' }],
    });
  }
}

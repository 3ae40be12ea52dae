import { NEXT_STATUSES, type Order, type OrderSummary, orderMoney } from '@gapal/shared';
import { toIso } from '../../lib/dates.ts';
import type { OrderAggregate, OrderRow } from './orders.repo.ts';

export function toOrderSummary(row: OrderRow, createdByName: string | null): OrderSummary {
  const money = orderMoney({
    total: row.totalAmount,
    returned: row.returnedAmount,
    paid: row.paidAmount,
    cancelled: row.deliveryStatus === 'annulee',
  });
  return {
    id: row.id,
    local_id: row.localId,
    number: row.number,
    site_id: row.siteId,
    created_by: row.createdBy,
    created_by_name: createdByName,
    device_id: row.deviceId,
    client_id: row.clientId,
    client_name: row.clientName,
    client_phone: row.clientPhone,
    delivery_address: row.deliveryAddress,
    delivery_date: row.deliveryDate,
    priority: row.priority,
    notes: row.notes,
    delivery_status: row.deliveryStatus,
    payment_status: row.paymentStatus,
    total_amount: row.totalAmount,
    paid_amount: row.paidAmount,
    returned_amount: row.returnedAmount,
    balance: money.balance,
    credit: money.credit,
    version: row.version,
    delivered_at: toIso(row.deliveredAt),
    cancelled_at: toIso(row.cancelledAt),
    created_at: toIso(row.createdAt),
    updated_at: toIso(row.updatedAt),
    has_voice_note: row.hasVoiceNote,
  };
}

export function toOrderDto(aggregate: OrderAggregate): Order {
  return {
    ...toOrderSummary(aggregate.order, aggregate.createdByName),
    items: aggregate.items,
    payments: aggregate.payments,
    returns: aggregate.returns,
    voice_notes: aggregate.voiceNotes,
    next_statuses: [...NEXT_STATUSES[aggregate.order.deliveryStatus]],
  };
}

/** What the audit trail keeps of an order: its row and, when they changed, its items. */
export function auditView(
  row: OrderRow,
  items?: { productId: string; quantity: number; unitPrice: number }[],
) {
  return items
    ? {
        ...row,
        items: items.map((item) => ({
          product_id: item.productId,
          quantity: item.quantity,
          unit_price: item.unitPrice,
        })),
      }
    : row;
}

/**
 * What an order's creation keeps in the audit trail: the row as created and its items, leaner
 * (issue #23: the audit row was a push's largest row): without what the audit row's own columns
 * say (the order's id is its `entity_id`, its site its `site_id`), without `updatedAt` (the
 * creation time, as `createdAt`) and without empty fields (absent is null).
 */
export function creationAuditView(
  row: OrderRow,
  items: { productId: string; quantity: number; unitPrice: number }[],
) {
  const { id: _id, siteId: _siteId, updatedAt: _updatedAt, ...rest } = auditView(row, items);
  return Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== null));
}

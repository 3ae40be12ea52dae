import type { SyncOrder, SyncProduct } from '@gapal/shared';
import { applyOutbox, type OutboxEntry } from '@gapal/sync-client';
import { useSyncExternalStore } from 'react';

/** An order created on this phone, as the orders list shows it before its next read has it. */
export type SavedOrder = { order: SyncOrder; productNames: Map<string, string> };

let saved: readonly SavedOrder[] = [];
const listeners = new Set<() => void>();

function emit(next: readonly SavedOrder[]): void {
  saved = next;
  for (const listener of listeners) listener();
}

/**
 * Called once a new order's transaction has committed: the orders list (mounted under the form)
 * shows its card at once, built from the entries just written, instead of waiting for its live
 * query to read the window again (several IndexedDB round trips).
 */
export function announceSavedOrder(entries: readonly OutboxEntry[], catalog: readonly SyncProduct[]): void {
  const prices = new Map(catalog.map((product) => [product.id, product.unit_price]));
  const order = applyOutbox([], [...entries], prices)[0];
  if (!order) return;
  const productNames = new Map(catalog.map((product) => [product.id, product.name]));
  emit([{ order, productNames }, ...saved.filter((known) => known.order.local_id !== order.local_id)]);
}

/** The list's read now has these orders: their own cards replace the announced ones. */
export function forgetSavedOrders(localIds: ReadonlySet<string>): void {
  if (saved.some(({ order }) => localIds.has(order.local_id)))
    emit(saved.filter(({ order }) => !localIds.has(order.local_id)));
}

export function savedOrders(): readonly SavedOrder[] {
  return saved;
}

export function useSavedOrders(): readonly SavedOrder[] {
  return useSyncExternalStore((listener) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }, savedOrders);
}

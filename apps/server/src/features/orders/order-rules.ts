import { type DeliveryStatus, NEXT_STATUSES, type PaymentStatus, paymentStatusFor } from '@gapal/shared';
import type { Actor } from '../../domain/actor.ts';
import { AppError, forbidden, notFound } from '../../domain/errors.ts';

/**
 * The payment status is never stored from the client: it follows from what was paid against what
 * is due (the total less what came back: paymentStatusFor in the shared package).
 */
export function paymentStatusOf(paid: number, due: number): PaymentStatus {
  return paymentStatusFor(paid, due);
}

/** 409 `invalid_transition` with the allowed next states when `to` may not follow `from`. */
export function assertTransition(from: DeliveryStatus, to: DeliveryStatus): void {
  const allowed = NEXT_STATUSES[from];
  if (!allowed.includes(to)) {
    throw new AppError('invalid_transition', `Passage de « ${from} » à « ${to} » impossible`, {
      from,
      to,
      allowed: [...allowed],
    });
  }
}

export function assertVersion(current: number, expected: number | undefined): void {
  if (expected !== undefined && expected !== current) {
    throw new AppError('version_conflict', 'La commande a été modifiée entre-temps', {
      current_version: current,
    });
  }
}

type OrderOwnership = { siteId: string; createdBy: string };

/**
 * Who sees an order: vendors their own, other roles their site's, the admin all.
 * Anything else answers 404 so ids don't leak.
 */
export function assertOrderVisible(actor: Actor, order: OrderOwnership): void {
  if (actor.role === 'admin') return;
  if (order.siteId !== actor.siteId) throw notFound('Commande');
  if (actor.role === 'vendeur' && order.createdBy !== actor.userId) throw notFound('Commande');
}

/**
 * The checks every change of an order starts with, once the order is read under its lock: it
 * exists (404), the caller may see it (404), and it is at the version the caller expects (409).
 */
export function assertChangeable<T extends { order: OrderOwnership & { version: number } }>(
  actor: Actor,
  found: T | undefined,
  version: number | undefined,
): T {
  if (!found) throw notFound('Commande');
  assertOrderVisible(actor, found.order);
  assertVersion(found.order.version, version);
  return found;
}

/** Vendors may change only their own orders, and only while `nouvelle` (checked by the caller). */
export function isOrderManager(actor: Actor): boolean {
  return actor.role === 'admin' || actor.role === 'gestionnaire_commandes';
}

export function assertManager(actor: Actor): void {
  if (!isOrderManager(actor)) throw forbidden('Seul un gestionnaire des commandes peut faire cela');
}

/**
 * Who records a payment: order managers, and vendors, who take the money at the door. A vendor
 * reaches only their own orders (assertOrderVisible: another vendor's answers 404).
 */
export function assertCanRecordPayment(actor: Actor): void {
  if (!isOrderManager(actor) && actor.role !== 'vendeur') {
    throw forbidden('Seuls un vendeur ou un gestionnaire des commandes enregistrent un paiement');
  }
}

export function assertEditable(status: DeliveryStatus): void {
  if (status !== 'nouvelle') {
    throw new AppError('invalid_transition', 'Une commande ne se modifie plus après « nouvelle »', {
      from: status,
      allowed: [],
    });
  }
}

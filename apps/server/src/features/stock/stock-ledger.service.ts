// CONTRACT — being implemented by the stock-ledger work (issue 3). The signatures below are
// what the orders feature calls; the implementation replaces the bodies.
import type { Db } from '../../db/client.ts';
import type { Actor } from '../../http/auth.ts';
import { AppError } from '../../http/errors.ts';

export type OutgoingType = 'sortie' | 'vente' | 'perte';
export type IncomingType = 'entree' | 'retour';

export type TakeStockLine = {
  productId: string;
  quantity: number; // positive: how many units leave
  lotId?: string; // when set, take from this lot only; otherwise first-expired-first-out
};

export type StockOutOptions = {
  siteId: string;
  type: OutgoingType;
  reference?: string | null;
  orderId?: string | null;
  reason?: string | null;
  /** Expired lots are skipped unless a manager overrides; the override is audited. */
  allowExpired?: boolean;
};

export type PutStockLine = { productId: string; lotId: string; quantity: number };

export type StockInOptions = {
  siteId: string;
  type: IncomingType;
  reference?: string | null;
  orderId?: string | null;
  reason?: string | null;
};

export type MovementRecord = {
  id: number;
  productId: string;
  lotId: string;
  quantity: number; // signed
  stockBefore: number;
  stockAfter: number;
};

/**
 * Takes stock out inside the caller's transaction, locking in a fixed order (product id)
 * so concurrent callers never deadlock. Throws `insufficient_stock` (409) with
 * `details.shortages: [{ product_id, requested, available }]` and writes nothing when any
 * line can't be served.
 */
export async function takeStock(
  _tx: Db,
  _actor: Actor,
  _lines: TakeStockLine[],
  _options: StockOutOptions,
): Promise<MovementRecord[]> {
  throw new AppError('internal_error', 'takeStock not implemented yet');
}

/** Puts stock back into known lots (returns) inside the caller's transaction. */
export async function putStock(
  _tx: Db,
  _actor: Actor,
  _lines: PutStockLine[],
  _options: StockInOptions,
): Promise<MovementRecord[]> {
  throw new AppError('internal_error', 'putStock not implemented yet');
}

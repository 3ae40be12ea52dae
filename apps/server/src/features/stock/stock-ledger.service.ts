import type { MovementType, Role } from '@gapal/shared';
import type { Db } from '../../db/client.ts';
import { postgresErrorCode } from '../../db/database-errors.ts';
import type { Actor } from '../../domain/actor.ts';
import { AppError, forbidden, notFound } from '../../domain/errors.ts';
import type { WriteActor, WriteContext } from '../../domain/write-context.ts';
import { type AuditRecord, recordAudits } from '../audit/audit.service.ts';
import {
  findLots,
  findOrCreateLot,
  type LedgerChange,
  type LedgerMeta,
  type LedgerRow,
  lockStockLevels,
  productNames,
  type Shortage,
  type StockExitResult,
  type TakenRow,
  takeStockRows,
  writeLedger,
} from './stock-ledger.repo.ts';

// The one way stock changes. Every function runs inside the caller's write and takes
// the products' stock level locks first, in product-id order (see lockStockLevels), so the
// level, the lots and the ledger chain of a product at a site change one transaction at a time.

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

/** A movement as the ledger wrote it (quantity signed). */
export type MovementRecord = LedgerRow;

/** Roles that may take stock from an expired lot. */
const EXPIRY_OVERRIDE_ROLES: readonly Role[] = ['gestionnaire_stocks', 'gestionnaire_commandes', 'admin'];

/**
 * Takes stock out inside the caller's write, in one statement (`ledger_take_stock`,
 * migration 0007), which locks the products' levels in product-id order (so concurrent callers
 * never deadlock) and their lots. Throws `insufficient_stock` (409) with
 * `details.shortages: [{ product_id, requested, available }]` and writes nothing when any
 * line can't be served. Lots are used first-expired-first-out; expired lots only for a
 * loss (`perte`) or with `allowExpired` (managers only, audited). Each movement comes back with
 * its product's name, unit and alert threshold (for notifyStockMovements).
 */
export async function takeStock(
  ctx: WriteContext,
  lines: TakeStockLine[],
  options: StockOutOptions,
): Promise<TakenRow[]> {
  if (lines.length === 0) return [];
  const [result] = await takeStockForDocuments(
    ctx,
    [
      {
        actor: ctx.actor,
        lines,
        reference: options.reference,
        orderId: options.orderId,
        allowExpired: options.allowExpired,
      },
    ],
    options,
  );
  if ('shortages' in result!) {
    const names = await productNames(
      ctx.tx,
      result.shortages.map((shortage) => shortage.product_id),
    );
    throw insufficientStock(result.shortages, names);
  }
  return result!.taken;
}

/**
 * 409 `insufficient_stock`: what is missing, per product, in the message (the words the dashboard
 * and the vendor app show) and in `details.shortages` ({ product_id, requested, available,
 * product_name }), from which a client writes it in its own language.
 */
export function insufficientStock(shortages: Shortage[], names: ReadonlyMap<string, string>): AppError {
  const missing = shortages.map(
    ({ product_id, requested, available }) =>
      `${names.get(product_id) ?? product_id} (demandé : ${requested}, disponible : ${available})`,
  );
  return new AppError('insufficient_stock', `Stock insuffisant : ${missing.join(' ; ')}`, {
    shortages: shortages.map((shortage) => ({
      ...shortage,
      product_name: names.get(shortage.product_id) ?? shortage.product_id,
    })),
  });
}

/** One document's stock exit among several taken together (takeStockForDocuments). */
export type StockExitDocument = {
  actor: Actor;
  lines: TakeStockLine[];
  reference?: string | null;
  orderId?: string | null;
  allowExpired?: boolean;
};

/**
 * Takes stock out for several documents at one site in one statement (a batch of deliveries,
 * orders/order-delivery.service.ts): each is served whole, in the order given, or refused whole
 * with its shortages, and the served ones' movements are written together. Same rules and locks
 * as `takeStock`; a bad named lot or a forbidden override still throws for the whole call.
 * "Expired" is judged on the write's business day.
 */
export async function takeStockForDocuments(
  ctx: WriteContext<WriteActor>,
  documents: StockExitDocument[],
  options: Omit<StockOutOptions, 'reference' | 'orderId' | 'allowExpired'>,
): Promise<StockExitResult> {
  for (const document of documents) {
    assertPositiveQuantities(document.lines);
    if (document.allowExpired && !EXPIRY_OVERRIDE_ROLES.includes(document.actor.role)) {
      throw forbidden('Seul un gestionnaire peut sortir un lot périmé');
    }
  }
  let outcomes: StockExitResult;
  try {
    outcomes = await takeStockRows(
      ctx.tx,
      {
        siteId: options.siteId,
        type: options.type,
        reason: options.reason ?? null,
        writeOff: options.type === 'perte',
        today: ctx.clock.today,
      },
      documents.map((document) => ({
        reference: document.reference ?? null,
        orderId: document.orderId ?? null,
        userId: document.actor.userId,
        deviceId: document.actor.deviceId,
        allowExpired: document.allowExpired === true,
        lines: document.lines.map((line) => ({
          productId: line.productId,
          quantity: line.quantity,
          lotId: line.lotId ?? null,
        })),
      })),
    );
  } catch (error) {
    throw takeStockError(error) ?? error;
  }
  await recordAudits(
    ctx,
    documents.flatMap((document, index) => {
      const outcome = outcomes[index]!;
      return 'taken' in outcome ? expiredOverrideAudits(document, outcome.taken, options) : [];
    }),
  );
  return outcomes;
}

/** The AppError for what `ledger_take_stock` refused (see its comment in migration 0007). */
function takeStockError(error: unknown): AppError | undefined {
  const code = postgresErrorCode(error);
  const detail = (error as { detail?: string }).detail;
  if (code === 'GP002') return notFound('Lot');
  if (code === 'GP003') {
    const lot = JSON.parse(detail!) as { lot_id: string; code: string; expiry_date: string };
    return new AppError('conflict', `Le lot ${lot.code} est périmé depuis le ${lot.expiry_date}`, {
      lot_id: lot.lot_id,
      fields: [{ field: 'lot_id', message: 'lot périmé', code: 'expired_lot' }],
    });
  }
  return undefined;
}

/** Puts stock back into known lots (returns) inside the caller's write. */
export async function putStock(
  ctx: WriteContext,
  lines: PutStockLine[],
  options: StockInOptions,
): Promise<MovementRecord[]> {
  if (lines.length === 0) return [];
  const { tx } = ctx;
  assertPositiveQuantities(lines);
  await lockStockLevels(
    tx,
    options.siteId,
    lines.map((line) => line.productId),
    { create: true },
  );
  const lots = await findLots(
    tx,
    lines.map((line) => line.lotId),
    { lock: true },
  );
  const lotsById = new Map(lots.map((lot) => [lot.id, lot]));
  for (const line of lines) {
    const lot = lotsById.get(line.lotId);
    if (!lot || lot.siteId !== options.siteId || lot.productId !== line.productId) throw notFound('Lot');
  }
  const changes = lines.map((line) => ({
    productId: line.productId,
    lotId: line.lotId,
    delta: line.quantity,
    expiredOverride: false,
  }));
  return applyChanges(ctx, changes, options);
}

export type ReceiveStockLine = { productId: string; lotCode: string; expiryDate: string; quantity: number };

/**
 * Goods received (`entree`): finds or creates each lot by its code, then adds to it. A lot
 * code already used for the product at the site with another expiry date is a 409.
 */
export async function receiveStock(
  ctx: WriteContext,
  lines: ReceiveStockLine[],
  options: Omit<StockInOptions, 'type'>,
): Promise<MovementRecord[]> {
  if (lines.length === 0) return [];
  const { tx } = ctx;
  assertPositiveQuantities(lines);
  await lockStockLevels(
    tx,
    options.siteId,
    lines.map((line) => line.productId),
    { create: true },
  );
  const changes: LedgerChange[] = [];
  for (const [index, line] of lines.entries()) {
    const lot = await findOrCreateLot(tx, {
      productId: line.productId,
      siteId: options.siteId,
      code: line.lotCode,
      expiryDate: line.expiryDate,
    });
    if (lot.expiryDate !== line.expiryDate) {
      throw new AppError(
        'conflict',
        `Le lot ${lot.code} existe déjà avec la date de péremption ${lot.expiryDate}`,
        {
          fields: [
            {
              field: `items.${index}.expiry_date`,
              message: `le lot expire le ${lot.expiryDate}`,
              code: 'lot_expiry_mismatch',
              params: { expiry_date: lot.expiryDate },
            },
          ],
        },
      );
    }
    changes.push({ productId: line.productId, lotId: lot.id, delta: line.quantity, expiredOverride: false });
  }
  return applyChanges(ctx, changes, { ...options, type: 'entree' });
}

export type CountedLot = { lotId: string; countedQuantity: number };

/**
 * Inventory count (`ajustement`): each lot is set to the counted quantity; the movement is
 * the difference, and a lot already right gets none.
 */
export async function adjustStock(
  ctx: WriteContext,
  counts: CountedLot[],
  options: { siteId: string; reference?: string | null; reason?: string | null },
): Promise<MovementRecord[]> {
  if (counts.length === 0) return [];
  const { tx } = ctx;
  // Read unlocked to learn the products, then lock in the standard order and read again.
  const seen = await findLots(
    tx,
    counts.map((count) => count.lotId),
    { lock: false },
  );
  const seenById = new Map(seen.map((lot) => [lot.id, lot]));
  for (const count of counts) {
    const lot = seenById.get(count.lotId);
    if (!lot || lot.siteId !== options.siteId) throw notFound('Lot');
  }
  await lockStockLevels(
    tx,
    options.siteId,
    seen.map((lot) => lot.productId),
    { create: true },
  );
  const lots = await findLots(
    tx,
    counts.map((count) => count.lotId),
    { lock: true },
  );
  const lotsById = new Map(lots.map((lot) => [lot.id, lot]));
  const changes: LedgerChange[] = counts
    .map((count) => {
      const lot = lotsById.get(count.lotId)!;
      return {
        productId: lot.productId,
        lotId: lot.id,
        delta: count.countedQuantity - lot.quantity,
        expiredOverride: false,
      };
    })
    .filter((change) => change.delta !== 0);
  return applyChanges(ctx, changes, { ...options, type: 'ajustement' });
}

/**
 * Locks the products' stock at a site ahead of a `takeStock` in the same transaction, for a
 * caller that must read lot quantities first (a whole-lot write-off). Same order, so safe.
 */
export async function lockProductsAtSite(tx: Db, siteId: string, productIds: string[]): Promise<void> {
  await lockStockLevels(tx, siteId, productIds, { create: false });
}

// ---------------------------------------------------------------- internals

type MovementMeta = {
  siteId: string;
  type: MovementType;
  reference?: string | null;
  orderId?: string | null;
  reason?: string | null;
};

/** Appends the changes in order (each movement's before is the previous one's after). */
async function applyChanges(
  ctx: WriteContext,
  changes: LedgerChange[],
  meta: MovementMeta,
): Promise<MovementRecord[]> {
  if (changes.length === 0) return [];
  return writeLedger(ctx.tx, ledgerMeta(ctx.actor, meta), changes);
}

function ledgerMeta(actor: Actor, meta: MovementMeta): LedgerMeta {
  return {
    siteId: meta.siteId,
    type: meta.type,
    reference: meta.reference ?? null,
    orderId: meta.orderId ?? null,
    userId: actor.userId,
    deviceId: actor.deviceId,
    reason: meta.reason ?? null,
  };
}

/** The audit rows of the movements that took from an expired lot by a manager's override. */
function expiredOverrideAudits(
  document: StockExitDocument,
  rows: TakenRow[],
  options: Pick<StockOutOptions, 'siteId' | 'type' | 'reason'>,
): { source: Actor; record: AuditRecord }[] {
  return rows
    .filter((row) => row.expiredOverride)
    .map((row) => ({
      source: document.actor,
      record: {
        action: 'stock.expired_override',
        entity: 'lot',
        entityId: row.lotId,
        siteId: options.siteId,
        after: {
          product_id: row.productId,
          lot_code: row.lotCode,
          expiry_date: row.lotExpiry,
          quantity: -row.quantity,
          type: options.type,
          reference: document.reference ?? null,
          order_id: document.orderId ?? null,
          reason: options.reason ?? null,
        },
      },
    }));
}

function assertPositiveQuantities(lines: Array<{ quantity: number }>): void {
  const index = lines.findIndex((line) => !Number.isInteger(line.quantity) || line.quantity <= 0);
  if (index >= 0) {
    throw new AppError('validation_error', 'La quantité doit être un entier positif', {
      fields: [
        { field: `items.${index}.quantity`, message: 'entier positif attendu', code: 'positive_integer' },
      ],
    });
  }
}

import { Readable } from 'node:stream';
import type {
  FieldIssueCode,
  Movement,
  MovementListQuery,
  StockAdjustmentInput,
  StockEntryInput,
  StockExitInput,
  StockLossInput,
  StockOperationResult,
} from '@gapal/shared';
import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import type { Actor } from '../../domain/actor.ts';
import { AppError, notFound } from '../../domain/errors.ts';
import type { WriteContext } from '../../domain/write-context.ts';
import { decodeCursor, encodeCursor } from '../../lib/cursor.ts';
import { addDays } from '../../lib/dates.ts';
import { scopeSite, siteForWrite } from '../../lib/site-scope.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { notifyStockMovements } from '../notifications/notify.ts';
import { movementConditions, selectMovements, selectMovementsByIds } from './movements.repo.ts';
import { CSV_HEADER, csvLine } from './movements-csv.ts';
import { findLiveProducts, siteActivity } from './stock.repo.ts';
import { findLots } from './stock-ledger.repo.ts';
import {
  adjustStock,
  lockProductsAtSite,
  type MovementRecord,
  receiveStock,
  type TakeStockLine,
  takeStock,
} from './stock-ledger.service.ts';

/** Goods received: one lot per (product, lot code), expiry defaulted from the shelf life. */
export async function recordEntry(ctx: WriteContext, input: StockEntryInput): Promise<StockOperationResult> {
  const siteId = await writableSite(ctx, input.site_id);
  const catalog = await loadProducts(
    ctx.tx,
    input.items.map((item) => item.product_id),
  );
  const today = ctx.clock.today;
  const lines = input.items.map((item, index) => {
    const product = catalog.get(item.product_id)!;
    const expiryDate =
      item.expiry_date ?? (product.shelfLifeDays ? addDays(today, product.shelfLifeDays) : undefined);
    if (!expiryDate) {
      throw fieldError(
        `items.${index}.expiry_date`,
        'requise : ce produit n’a pas de durée de conservation',
        'expiry_required',
      );
    }
    if (expiryDate < today && !item.allow_past_expiry) {
      throw fieldError(
        `items.${index}.expiry_date`,
        'date passée (allow_past_expiry pour la forcer)',
        'past_date',
      );
    }
    return {
      productId: item.product_id,
      lotCode: item.lot_code ?? `LOT-${expiryDate.replaceAll('-', '')}`,
      expiryDate,
      quantity: item.quantity,
    };
  });
  return runOperation(ctx, 'stock.entry', siteId, input, () =>
    receiveStock(ctx, lines, { siteId, reference: input.reference, reason: input.reason }),
  );
}

/** Manual exit: first-expired-first-out unless a lot is named; expired lots only with the override. */
export async function recordExit(ctx: WriteContext, input: StockExitInput): Promise<StockOperationResult> {
  const siteId = await writableSite(ctx, input.site_id);
  await loadProducts(
    ctx.tx,
    input.items.map((item) => item.product_id),
  );
  const lines = input.items.map((item) => ({
    productId: item.product_id,
    quantity: item.quantity,
    lotId: item.lot_id,
  }));
  return runOperation(ctx, 'stock.exit', siteId, input, () =>
    takeStock(ctx, lines, {
      siteId,
      type: 'sortie',
      reference: input.reference,
      reason: input.reason,
      allowExpired: input.allow_expired,
    }),
  );
}

/** Inventory count: each named lot is set to what was counted. */
export async function recordAdjustment(
  ctx: WriteContext,
  input: StockAdjustmentInput,
): Promise<StockOperationResult> {
  const siteId = await writableSite(ctx, input.site_id);
  assertNoDuplicates(input.items.map((item) => item.lot_id));
  const counts = input.items.map((item) => ({ lotId: item.lot_id, countedQuantity: item.counted_quantity }));
  return runOperation(ctx, 'stock.adjustment', siteId, input, () =>
    adjustStock(ctx, counts, { siteId, reference: input.reference, reason: input.reason }),
  );
}

/** Write-off (`perte`): a lot named without a quantity is written off whole. */
export async function recordLoss(ctx: WriteContext, input: StockLossInput): Promise<StockOperationResult> {
  const { tx } = ctx;
  const siteId = await writableSite(ctx, input.site_id);
  const named = await findLots(
    tx,
    input.items.flatMap((item) => (item.lot_id ? [item.lot_id] : [])),
    { lock: false },
  );
  const namedById = new Map(named.map((lot) => [lot.id, lot]));
  const productIds = input.items.map((item, index) => {
    if (!item.lot_id) return item.product_id!;
    const lot = namedById.get(item.lot_id);
    if (!lot || lot.siteId !== siteId) throw notFound('Lot');
    if (item.product_id && item.product_id !== lot.productId) {
      throw fieldError(`items.${index}.lot_id`, 'ce lot est d’un autre produit', 'lot_other_product');
    }
    return lot.productId;
  });
  await loadProducts(tx, productIds);

  return runOperation(ctx, 'stock.loss', siteId, input, async () => {
    // Whole-lot quantities must be read under the same locks the ledger takes.
    await lockProductsAtSite(tx, siteId, productIds);
    const current = new Map(
      (
        await findLots(
          tx,
          named.map((lot) => lot.id),
          { lock: true },
        )
      ).map((lot) => [lot.id, lot]),
    );
    const lines: TakeStockLine[] = input.items.map((item, index) => {
      const quantity = item.quantity ?? current.get(item.lot_id!)!.quantity;
      if (quantity === 0) {
        throw new AppError('conflict', `Le lot ${current.get(item.lot_id!)!.code} est déjà vide`, {
          fields: [{ field: `items.${index}.lot_id`, message: 'lot vide', code: 'empty_lot' }],
        });
      }
      return { productId: productIds[index]!, quantity, lotId: item.lot_id };
    });
    return takeStock(ctx, lines, {
      siteId,
      type: 'perte',
      reference: input.reference,
      reason: input.reason,
    });
  });
}

const MovementCursorSchema = z.object({ id: z.number().int().positive() });

export async function listMovements(
  db: Db,
  actor: Actor,
  query: MovementListQuery,
  timeZone: string,
): Promise<{ items: Movement[]; next_cursor: string | null }> {
  const conditions = movementConditions(query, scopeSite(actor, query.site_id), timeZone);
  const beforeId = query.cursor ? decodeCursor(query.cursor, MovementCursorSchema).id : undefined;
  const rows = await selectMovements(db, conditions, { beforeId, limit: query.limit + 1 });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page,
    next_cursor: rows.length > query.limit && last ? encodeCursor({ id: last.id }) : null,
  };
}

/** The same selection as `listMovements`, every page of it, as CSV lines streamed in chunks. */
export function streamMovementsCsv(
  db: Db,
  actor: Actor,
  query: MovementListQuery,
  timeZone: string,
): Readable {
  const conditions = movementConditions(query, scopeSite(actor, query.site_id), timeZone);
  let beforeId = query.cursor ? decodeCursor(query.cursor, MovementCursorSchema).id : undefined;
  async function* lines() {
    yield CSV_HEADER;
    for (;;) {
      const rows = await selectMovements(db, conditions, { beforeId, limit: 1000 });
      if (rows.length > 0) yield rows.map(csvLine).join('');
      if (rows.length < 1000) return;
      beforeId = rows.at(-1)!.id;
    }
  }
  return Readable.from(lines());
}

// ---------------------------------------------------------------- helpers

/** The ledger change, then its low/out-of-stock notifications, its audit row and the movements written. */
async function runOperation(
  ctx: WriteContext,
  action: string,
  siteId: string,
  input: object,
  apply: () => Promise<MovementRecord[]>,
): Promise<StockOperationResult> {
  const records = await apply();
  await notifyStockMovements(ctx, siteId, records);
  const movementIds = records.map((record) => record.id);
  await recordAudit(ctx, {
    action,
    entity: 'stock',
    entityId: movementIds.length > 0 ? String(movementIds[0]) : null,
    siteId,
    after: { ...input, movement_ids: movementIds },
  });
  return { movements: await selectMovementsByIds(ctx.tx, movementIds) };
}

async function writableSite(ctx: WriteContext, requested: string | undefined): Promise<string> {
  const siteId = siteForWrite(ctx.actor, requested);
  const site = await siteActivity(ctx.tx, siteId);
  if (!site) throw notFound('Site');
  if (!site.isActive) throw new AppError('conflict', 'Ce site est désactivé');
  return siteId;
}

/** The products named, all of which must exist and not be deleted (404 otherwise). */
async function loadProducts(db: Db, productIds: string[]) {
  const byId = await findLiveProducts(db, [...new Set(productIds)]);
  const missing = productIds.findIndex((id) => !byId.has(id));
  if (missing >= 0) {
    throw new AppError('not_found', 'Produit introuvable', {
      fields: [
        { field: `items.${missing}.product_id`, message: 'produit inconnu', code: 'unknown_reference' },
      ],
    });
  }
  return byId;
}

function assertNoDuplicates(lotIds: string[]): void {
  const index = lotIds.findIndex((id, i) => lotIds.indexOf(id) !== i);
  if (index >= 0) throw fieldError(`items.${index}.lot_id`, 'lot compté deux fois', 'duplicate');
}

function fieldError(field: string, message: string, code: FieldIssueCode): AppError {
  return new AppError('validation_error', `Données invalides : ${field}`, {
    fields: [{ field, message, code }],
  });
}

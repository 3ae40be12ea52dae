import type {
  CreateProductInput,
  Product,
  ProductListQuery,
  ProductStockQuery,
  UpdateProductInput,
} from '@gapal/shared';
import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import type { Actor } from '../../domain/actor.ts';
import { AppError, notFound } from '../../domain/errors.ts';
import type { WriteContext } from '../../domain/write-context.ts';
import { decodeCursor, encodeCursor, withCursorKey } from '../../lib/cursor.ts';
import { todayIn } from '../../lib/dates.ts';
import { scopeSite } from '../../lib/site-scope.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { categoryExists } from './categories.repo.ts';
import {
  insertProduct,
  isBarcodeTaken,
  lockProduct,
  type ProductRecord,
  type StockView,
  selectProducts,
  updateProductRow,
} from './products.repo.ts';

const CursorSchema = z.object({ k: z.string(), id: z.uuid() });

function stockView(actor: Actor, query: { site_id?: string; expiring_days: number }, timeZone: string) {
  return {
    siteId: scopeSite(actor, query.site_id),
    today: todayIn(timeZone),
    expiringDays: query.expiring_days,
  } satisfies StockView;
}

export async function listProducts(
  db: Db,
  actor: Actor,
  query: ProductListQuery,
  timeZone: string,
): Promise<{ items: Product[]; next_cursor: string | null }> {
  const after = query.cursor ? decodeCursor(query.cursor, CursorSchema) : undefined;
  const rows = await withCursorKey(
    query.cursor,
    selectProducts(
      db,
      stockView(actor, query, timeZone),
      { search: query.search, categoryId: query.category_id, isActive: query.is_active },
      { sort: query.sort, after, limit: query.limit + 1 },
    ),
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map(({ cursor_key: _key, ...product }) => product),
    next_cursor: rows.length > query.limit && last ? encodeCursor({ k: last.cursor_key, id: last.id }) : null,
  };
}

/** Active products under their alert threshold at the caller's site, emptiest first. */
export async function listLowStock(
  db: Db,
  actor: Actor,
  query: ProductStockQuery,
  timeZone: string,
): Promise<Product[]> {
  const rows = await selectProducts(
    db,
    stockView(actor, query, timeZone),
    { isActive: true, belowThreshold: true },
    { sort: 'stock', limit: 1000 },
  );
  return rows.map(({ cursor_key: _key, ...product }) => product);
}

export async function getProduct(
  db: Db,
  actor: Actor,
  id: string,
  query: ProductStockQuery,
  timeZone: string,
): Promise<Product> {
  const [row] = await selectProducts(db, stockView(actor, query, timeZone), { ids: [id] });
  if (!row) throw notFound('Produit');
  const { cursor_key: _key, ...product } = row;
  return product;
}

export async function createProduct(ctx: WriteContext, input: CreateProductInput): Promise<Product> {
  const { tx } = ctx;
  await assertCategoryExists(tx, input.category_id);
  if (input.barcode) await assertBarcodeFree(tx, input.barcode);
  const row = await insertProduct(tx, {
    name: input.name,
    categoryId: input.category_id ?? null,
    unit: input.unit,
    unitPrice: input.unit_price,
    barcode: input.barcode ?? null,
    minStockLevel: input.min_stock_level,
    shelfLifeDays: input.shelf_life_days ?? null,
    isActive: input.is_active,
  });
  await recordAudit(ctx, {
    action: 'product.create',
    entity: 'product',
    entityId: row.id,
    after: row,
  });
  return getProduct(tx, ctx.actor, row.id, { expiring_days: 3 }, ctx.clock.timeZone);
}

export async function updateProduct(
  ctx: WriteContext,
  id: string,
  input: UpdateProductInput,
): Promise<Product> {
  const { tx } = ctx;
  const before = await lockExistingProduct(tx, id);
  if (input.category_id !== undefined) await assertCategoryExists(tx, input.category_id);
  if (input.barcode && input.barcode !== before.barcode) await assertBarcodeFree(tx, input.barcode, id);
  const after = await updateProductRow(tx, id, {
    name: input.name ?? before.name,
    categoryId: input.category_id === undefined ? before.categoryId : input.category_id,
    unit: input.unit ?? before.unit,
    unitPrice: input.unit_price ?? before.unitPrice,
    barcode: input.barcode === undefined ? before.barcode : input.barcode,
    minStockLevel: input.min_stock_level ?? before.minStockLevel,
    shelfLifeDays: input.shelf_life_days === undefined ? before.shelfLifeDays : input.shelf_life_days,
    isActive: input.is_active ?? before.isActive,
    updatedAt: new Date(),
  });
  await recordAudit(ctx, {
    action: 'product.update',
    entity: 'product',
    entityId: id,
    before,
    after,
  });
  return getProduct(tx, ctx.actor, id, { expiring_days: 3 }, ctx.clock.timeZone);
}

/** Soft delete: the row stays for the ledger and for sync tombstones; its barcode is freed. */
export async function deleteProduct(ctx: WriteContext, id: string): Promise<void> {
  const before = await lockExistingProduct(ctx.tx, id);
  const now = new Date();
  const after = await updateProductRow(ctx.tx, id, { deletedAt: now, isActive: false, updatedAt: now });
  await recordAudit(ctx, {
    action: 'product.delete',
    entity: 'product',
    entityId: id,
    before,
    after,
  });
}

async function lockExistingProduct(tx: Db, id: string): Promise<ProductRecord> {
  const row = await lockProduct(tx, id);
  if (!row) throw notFound('Produit');
  return row;
}

async function assertCategoryExists(tx: Db, categoryId: string | null | undefined): Promise<void> {
  if (!categoryId) return;
  if (!(await categoryExists(tx, categoryId))) {
    throw new AppError('validation_error', 'Catégorie inconnue', {
      fields: [{ field: 'category_id', message: 'catégorie inconnue', code: 'unknown_reference' }],
    });
  }
}

async function assertBarcodeFree(tx: Db, barcode: string, exceptId?: string): Promise<void> {
  if (await isBarcodeTaken(tx, barcode, exceptId)) {
    throw new AppError('conflict', 'Ce code-barres est déjà utilisé par un autre produit', {
      fields: [{ field: 'barcode', message: 'déjà utilisé', code: 'already_used' }],
    });
  }
}

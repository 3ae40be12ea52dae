import { z } from 'zod';
import {
  AmountSchema,
  IdSchema,
  multiLineText,
  pageLimit,
  QueryBooleanSchema,
  singleLineText,
} from './common.ts';

export const CategorySchema = z.object({
  id: IdSchema,
  name: z.string(),
  description: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Category = z.infer<typeof CategorySchema>;

export const CreateCategoryInputSchema = z.strictObject({
  name: singleLineText({ trim: true }).min(1).max(100),
  description: multiLineText({ trim: true }).max(500).nullable().optional(),
});
export type CreateCategoryInput = z.infer<typeof CreateCategoryInputSchema>;

const BarcodeSchema = singleLineText({ trim: true })
  .min(4)
  .max(64)
  .regex(/^[A-Za-z0-9-]+$/, 'lettres, chiffres et - uniquement');

export const ProductSchema = z.object({
  id: IdSchema,
  name: z.string(),
  category_id: IdSchema.nullable(),
  category_name: z.string().nullable(),
  unit: z.string(),
  unit_price: AmountSchema,
  barcode: z.string().nullable(),
  min_stock_level: z.number().int(),
  shelf_life_days: z.number().int().nullable(),
  is_active: z.boolean(),
  /** Units on hand at the caller's site (every site for an admin without one). */
  stock_quantity: z.number().int(),
  /** Units in lots that expire between today and today + `expiring_days` (business time zone). */
  expiring_quantity: z.number().int(),
  /** Units in lots already past their expiry date: not sellable without an override. */
  expired_quantity: z.number().int(),
  /** Stock strictly under the alert threshold (seuil d'alerte). */
  is_below_threshold: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Product = z.infer<typeof ProductSchema>;

export const CreateProductInputSchema = z.strictObject({
  name: singleLineText({ trim: true }).min(1).max(120),
  category_id: IdSchema.nullable().optional(),
  /** Free text: litre, pot, sachet, kg, pièce… */
  unit: singleLineText({ trim: true }).min(1).max(20),
  unit_price: AmountSchema,
  barcode: BarcodeSchema.nullable().optional(),
  min_stock_level: z.number().int().min(0).max(1_000_000).default(0),
  shelf_life_days: z.number().int().min(1).max(3650).nullable().optional(),
  is_active: z.boolean().default(true),
});
export type CreateProductInput = z.infer<typeof CreateProductInputSchema>;

export const UpdateProductInputSchema = z.strictObject({
  name: singleLineText({ trim: true }).min(1).max(120).optional(),
  category_id: IdSchema.nullable().optional(),
  unit: singleLineText({ trim: true }).min(1).max(20).optional(),
  unit_price: AmountSchema.optional(),
  barcode: BarcodeSchema.nullable().optional(),
  min_stock_level: z.number().int().min(0).max(1_000_000).optional(),
  shelf_life_days: z.number().int().min(1).max(3650).nullable().optional(),
  is_active: z.boolean().optional(),
});
export type UpdateProductInput = z.infer<typeof UpdateProductInputSchema>;

export const PRODUCT_SORTS = [
  'name',
  '-name',
  'unit_price',
  '-unit_price',
  'stock',
  '-stock',
  'created_at',
  '-created_at',
] as const;
export type ProductSort = (typeof PRODUCT_SORTS)[number];

/** Days ahead that count as "expiring soon"; dairy keeps days, not months. */
export const ExpiringDaysSchema = z.coerce.number().int().min(0).max(365).default(3);

export const ProductListQuerySchema = z.strictObject({
  /** Matches the name (contains, any case) or the barcode (starts with). */
  search: singleLineText({ trim: true }).max(64).optional(),
  category_id: IdSchema.optional(),
  is_active: QueryBooleanSchema.optional(),
  /** Admin only: whose stock to show; others always see their own site. */
  site_id: IdSchema.optional(),
  expiring_days: ExpiringDaysSchema,
  sort: z.enum(PRODUCT_SORTS).default('name'),
  cursor: singleLineText().max(512).optional(),
  limit: pageLimit(50, 200),
});
export type ProductListQuery = z.infer<typeof ProductListQuerySchema>;

export const ProductStockQuerySchema = z.strictObject({
  site_id: IdSchema.optional(),
  expiring_days: ExpiringDaysSchema,
});
export type ProductStockQuery = z.infer<typeof ProductStockQuerySchema>;

import { z } from 'zod';
import { IdSchema, IsoDateSchema, pageLimit, QueryBooleanSchema, singleLineText } from './common.ts';

export const MOVEMENT_TYPES = ['entree', 'sortie', 'ajustement', 'vente', 'retour', 'perte'] as const;
export const MovementTypeSchema = z.enum(MOVEMENT_TYPES);
export type MovementType = z.infer<typeof MovementTypeSchema>;

export const LotSchema = z.object({
  id: IdSchema,
  product_id: IdSchema,
  product_name: z.string(),
  site_id: IdSchema,
  code: z.string(),
  expiry_date: IsoDateSchema,
  quantity: z.number().int(),
  /** Past its expiry date in the business time zone (the expiry day itself is still sellable). */
  is_expired: z.boolean(),
  /** Negative once expired. */
  days_to_expiry: z.number().int(),
  created_at: z.string(),
});
export type Lot = z.infer<typeof LotSchema>;

export const ProductLotsQuerySchema = z.strictObject({
  site_id: IdSchema.optional(),
  /** Emptied lots are history; they are left out unless asked for. */
  include_empty: QueryBooleanSchema.optional(),
});

export const ExpiringLotsQuerySchema = z.strictObject({
  days: z.coerce.number().int().min(0).max(365).default(3),
  /** Lots already expired are listed too (they wait for a write-off) unless `false`. */
  include_expired: QueryBooleanSchema.optional(),
  site_id: IdSchema.optional(),
});

export const MovementSchema = z.object({
  /** Server-assigned sequence: strictly increasing in commit order per product and site. */
  id: z.number().int(),
  product_id: IdSchema,
  product_name: z.string(),
  site_id: IdSchema,
  lot_id: IdSchema,
  lot_code: z.string(),
  type: MovementTypeSchema,
  /** Signed: positive in, negative out. */
  quantity: z.number().int(),
  stock_before: z.number().int(),
  stock_after: z.number().int(),
  lot_before: z.number().int(),
  lot_after: z.number().int(),
  reference: z.string().nullable(),
  order_id: IdSchema.nullable(),
  user_id: IdSchema.nullable(),
  username: z.string().nullable(),
  device_id: IdSchema.nullable(),
  reason: z.string().nullable(),
  expired_override: z.boolean(),
  created_at: z.string(),
});
export type Movement = z.infer<typeof MovementSchema>;

export const MovementListQuerySchema = z.strictObject({
  product_id: IdSchema.optional(),
  type: MovementTypeSchema.optional(),
  lot_id: IdSchema.optional(),
  reference: singleLineText({ trim: true }).min(1).max(100).optional(),
  user_id: IdSchema.optional(),
  device_id: IdSchema.optional(),
  site_id: IdSchema.optional(),
  from: IsoDateSchema.optional(),
  to: IsoDateSchema.optional(),
  format: z.enum(['json', 'csv']).default('json'),
  cursor: singleLineText().max(128).optional(),
  limit: pageLimit(100, 500),
});
export type MovementListQuery = z.infer<typeof MovementListQuerySchema>;

const QuantitySchema = z.number().int().positive().max(1_000_000);
const ReferenceSchema = singleLineText({ trim: true }).min(1).max(100).nullable().optional();
const ReasonSchema = singleLineText({ trim: true }).min(1).max(500);
const LotCodeSchema = singleLineText({ trim: true })
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._/-]+$/, 'lettres, chiffres et . _ / - uniquement');

/** Shared by every stock operation: where, why, and the document behind it. */
const operationFields = {
  /** Admin only; everyone else works on their own site. */
  site_id: IdSchema.optional(),
  /** Delivery note, inventory sheet, order number… */
  reference: ReferenceSchema,
};

export const StockEntryInputSchema = z.strictObject({
  ...operationFields,
  reason: ReasonSchema.nullable().optional(),
  items: z
    .array(
      z.strictObject({
        product_id: IdSchema,
        quantity: QuantitySchema,
        /** Defaults to `LOT-<expiry date>`, so one product's goods with one expiry share a lot. */
        lot_code: LotCodeSchema.optional(),
        /** Defaults to today + the product's shelf life (business time zone). */
        expiry_date: IsoDateSchema.optional(),
        /** An expiry date in the past is refused unless this is set. */
        allow_past_expiry: z.boolean().optional(),
      }),
    )
    .min(1)
    .max(200),
});
export type StockEntryInput = z.infer<typeof StockEntryInputSchema>;

export const StockExitInputSchema = z.strictObject({
  ...operationFields,
  reason: ReasonSchema,
  /** Take from expired lots too; audited. */
  allow_expired: z.boolean().optional(),
  items: z
    .array(
      z.strictObject({
        product_id: IdSchema,
        quantity: QuantitySchema,
        /** Take from this lot only; otherwise first-expired-first-out. */
        lot_id: IdSchema.optional(),
      }),
    )
    .min(1)
    .max(200),
});
export type StockExitInput = z.infer<typeof StockExitInputSchema>;

export const StockAdjustmentInputSchema = z.strictObject({
  ...operationFields,
  reason: ReasonSchema,
  items: z
    .array(z.strictObject({ lot_id: IdSchema, counted_quantity: z.number().int().min(0).max(1_000_000) }))
    .min(1)
    .max(500),
});
export type StockAdjustmentInput = z.infer<typeof StockAdjustmentInputSchema>;

export const StockLossInputSchema = z.strictObject({
  ...operationFields,
  reason: ReasonSchema,
  items: z
    .array(
      z
        .strictObject({
          product_id: IdSchema.optional(),
          /** With a lot and no quantity, the whole lot is written off. */
          lot_id: IdSchema.optional(),
          quantity: QuantitySchema.optional(),
        })
        .refine((item) => item.lot_id !== undefined || (item.product_id && item.quantity), {
          message: 'lot_id, ou product_id et quantity, sont requis',
        }),
    )
    .min(1)
    .max(200),
});
export type StockLossInput = z.infer<typeof StockLossInputSchema>;

export const StockOperationResultSchema = z.object({ movements: z.array(MovementSchema) });
export type StockOperationResult = z.infer<typeof StockOperationResultSchema>;

/** `details` of an `insufficient_stock` error (409). */
export const StockShortageSchema = z.object({
  product_id: IdSchema,
  requested: z.number().int(),
  available: z.number().int(),
  /** The product's name, so a client can write the refusal in its own language. */
  product_name: z.string().optional(),
});
export type StockShortage = z.infer<typeof StockShortageSchema>;

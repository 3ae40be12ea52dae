import { z } from 'zod';
import { SyncClientRefSchema, SyncCreateClientArgsSchema } from './client-fields.ts';
import { SyncClientSchema } from './clients.ts';
import { IdSchema, IsoDateTimeSchema, singleLineText } from './common.ts';
import {
  CreateOrderInputSchema,
  DeliveryStatusSchema,
  OrderSummarySchema,
  PaymentInputSchema,
  UpdateOrderInputSchema,
} from './orders.ts';

/**
 * The offline sync protocol (vendor phones). A device pushes *mutations* (intents with a UUID
 * and a per-device sequence) and pulls changes since an opaque server cursor.
 */

/** Bumped when the wire shape changes; clients older than the minimum get 426. */
export const SYNC_SCHEMA_VERSION = 1;
export const SYNC_MIN_SCHEMA_VERSION = 1;
/** Mutations per push; a phone back online after a day sends several batches. */
export const SYNC_MAX_BATCH = 100;

export const SYNC_MUTATION_NAMES = [
  'create_order',
  'create_client',
  'update_order',
  'cancel_order',
  'record_payment',
  'set_status',
] as const;
export type SyncMutationName = (typeof SYNC_MUTATION_NAMES)[number];

// Orders are named by their client UUID (`local_id`): a phone knows it before the server does.
export const SyncMutationArgsSchemas = {
  create_order: CreateOrderInputSchema.omit({ site_id: true }),
  /** A client the phone made offline, its UUID as `id` (see `SyncCreateClientArgsSchema`). */
  create_client: SyncCreateClientArgsSchema,
  update_order: UpdateOrderInputSchema.omit({ version: true }).extend({ local_id: IdSchema }),
  cancel_order: z.strictObject({ local_id: IdSchema }),
  record_payment: PaymentInputSchema.omit({ version: true }).extend({ local_id: IdSchema }),
  set_status: z.strictObject({
    local_id: IdSchema,
    status: DeliveryStatusSchema,
    allow_expired: z.boolean().optional(),
  }),
} satisfies Record<SyncMutationName, z.ZodType>;

export type SyncMutationArgs = { [K in SyncMutationName]: z.infer<(typeof SyncMutationArgsSchemas)[K]> };

export const SyncMutationSchema = z.strictObject({
  id: IdSchema,
  seq: z.number().int().positive().max(2_000_000_000),
  /** Checked per mutation: an unknown name is a `rejected` result, not a 400 for the batch. */
  name: singleLineText().min(1).max(64),
  args: z.unknown(),
  /** The order version the phone last saw; a change on a newer version is rejected. */
  base_version: z.number().int().positive().optional(),
  /** The phone's clock, kept for the audit trail only: never used to order anything. */
  client_time: IsoDateTimeSchema,
});
export type SyncMutation = z.infer<typeof SyncMutationSchema>;

export const SyncPushInputSchema = z.strictObject({
  device_id: IdSchema,
  schema_version: z.number().int().positive(),
  mutations: z.array(SyncMutationSchema).max(SYNC_MAX_BATCH, `au plus ${SYNC_MAX_BATCH} mutations par envoi`),
});
export type SyncPushInput = z.infer<typeof SyncPushInputSchema>;

/** What the phone keeps of an order the server accepted. */
export const SyncOrderRefSchema = z.object({
  id: IdSchema,
  local_id: IdSchema,
  number: z.string(),
  version: z.number().int(),
  delivery_status: DeliveryStatusSchema,
  total_amount: z.number().int(),
  paid_amount: z.number().int(),
});
export type SyncOrderRef = z.infer<typeof SyncOrderRefSchema>;

export const SyncRejectReasonSchema = z.object({
  /** An API error code (`invalid_transition`, `version_conflict`…) or a sync one (`unknown_mutation`…). */
  code: z.string(),
  message: z.string(),
  details: z.unknown().optional(),
});
export type SyncRejectReason = z.infer<typeof SyncRejectReasonSchema>;

export const SyncMutationResultSchema = z.object({
  id: IdSchema,
  seq: z.number().int(),
  /** `skipped`: not looked at, because an earlier mutation of the batch stopped it (a gap). */
  status: z.enum(['applied', 'duplicate', 'rejected', 'skipped']),
  /** For `duplicate`: what the first delivery of this mutation got. */
  original_status: z.enum(['applied', 'rejected']).optional(),
  order: SyncOrderRefSchema.nullable().optional(),
  /** For `create_client`: the id the phone must use from now on (another client's, when deduplicated). */
  client: SyncClientRefSchema.optional(),
  reason: SyncRejectReasonSchema.optional(),
  /** For a rejection: the order as the server has it now (null when it does not exist or is not visible). */
  current: OrderSummarySchema.nullable().optional(),
});
export type SyncMutationResult = z.infer<typeof SyncMutationResultSchema>;

export const SyncStatsSchema = z.object({
  sent: z.number().int(),
  applied: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.number().int(),
  /** Active products of the device's site strictly under their alert threshold (as `is_below_threshold`). */
  low_stock_count: z.number().int(),
  /** Active products of the device's site with nothing on hand. */
  out_of_stock_count: z.number().int(),
  stock_alert: z.boolean(),
});
export type SyncStats = z.infer<typeof SyncStatsSchema>;

export const SyncPushResponseSchema = z.object({
  device_id: IdSchema,
  results: z.array(SyncMutationResultSchema),
  /** The highest sequence the server has processed for this device. */
  last_seq: z.number().int(),
  /** Set when the batch stopped early: the phone must send `expected_seq` first. */
  stopped: z.object({ reason: z.literal('seq_gap'), expected_seq: z.number().int() }).nullable(),
  stats: SyncStatsSchema,
});
export type SyncPushResponse = z.infer<typeof SyncPushResponseSchema>;

export const SyncPullQuerySchema = z.strictObject({
  device_id: IdSchema.optional(),
  cursor: singleLineText().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});
export type SyncPullQuery = z.infer<typeof SyncPullQuerySchema>;

export const SyncCategorySchema = z.object({
  id: IdSchema,
  name: z.string(),
  description: z.string().nullable(),
  updated_at: z.string(),
});
export type SyncCategory = z.infer<typeof SyncCategorySchema>;

export const SyncProductSchema = z.object({
  id: IdSchema,
  name: z.string(),
  category_id: IdSchema.nullable(),
  unit: z.string(),
  unit_price: z.number().int(),
  barcode: z.string().nullable(),
  min_stock_level: z.number().int(),
  is_active: z.boolean(),
  /** On hand at the device's site. */
  stock_quantity: z.number().int(),
  /** Earliest expiry among the site's lots that still hold stock (may be past). */
  nearest_expiry: z.string().nullable(),
  updated_at: z.string(),
});
export type SyncProduct = z.infer<typeof SyncProductSchema>;

export const SyncOrderItemSchema = z.object({
  product_id: IdSchema,
  quantity: z.number().int(),
  unit_price: z.number().int(),
  subtotal: z.number().int(),
  returned_quantity: z.number().int(),
});

/**
 * The last time the depot could not deliver the order (a delivery refused for lack of stock):
 * the vendor's card says so after the next sync. Still set once the order is delivered or
 * cancelled later: the card shows it only while the order is open.
 */
export const SyncDeliveryIssueSchema = z.object({
  /** An API error code: `insufficient_stock`. */
  code: z.string(),
  /** The server's French message, e.g. `Stock insuffisant : Yaourt (demandé : 5, disponible : 2)`. */
  message: z.string(),
  at: z.string(),
});
export type SyncDeliveryIssue = z.infer<typeof SyncDeliveryIssueSchema>;

export const SyncOrderSchema = OrderSummarySchema.omit({ created_by_name: true }).extend({
  /** Absent on orders a phone stored before the field existed: read it as false. */
  has_voice_note: z.boolean().optional(),
  /** Absent on orders a phone stored before the client directory: read it as null. */
  client_id: IdSchema.nullable().optional(),
  /** Absent on orders a phone stored before returns lowered the balance: read them as 0. */
  returned_amount: z.number().int().optional(),
  credit: z.number().int().optional(),
  items: z.array(SyncOrderItemSchema),
  delivery_issue: SyncDeliveryIssueSchema.nullable().optional(),
});
export type SyncOrder = z.infer<typeof SyncOrderSchema>;

export const SyncStreamSchema = z.enum(['category', 'product', 'order']);
export type SyncStream = z.infer<typeof SyncStreamSchema>;

export const SyncPullResponseSchema = z.object({
  /** True when the phone must replace its synced tables with this answer (first sync, old cursor). */
  reset: z.boolean(),
  categories: z.array(SyncCategorySchema),
  products: z.array(SyncProductSchema),
  orders: z.array(SyncOrderSchema),
  /** Rows gone from this device's view (a soft-deleted product…): delete them locally. */
  deleted: z.array(z.object({ stream: SyncStreamSchema, id: IdSchema })),
  /**
   * The site's clients that are new or changed (all active ones on a reset), with their balance;
   * absent from a server older than the client directory. Apart from `deleted`, whose streams an
   * older phone checks.
   */
  clients: z.array(SyncClientSchema).optional(),
  /** Clients gone from the site's directory (deactivated, merged): delete them locally. */
  deleted_clients: z.array(IdSchema).optional(),
  cursor: z.string(),
  has_more: z.boolean(),
  /** The device's last sequence the server processed: a reinstalled phone restarts after it. */
  last_seq: z.number().int(),
});
export type SyncPullResponse = z.infer<typeof SyncPullResponseSchema>;

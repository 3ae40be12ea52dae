import { z } from 'zod';
import { SyncCreateClientArgsSchema } from './client-fields.ts';
import { AmountSchema, IdSchema, IsoDateSchema, multiLineText, pageLimit, singleLineText } from './common.ts';
import { VoiceNoteSchema } from './voice-notes.ts';

export const DELIVERY_STATUSES = ['nouvelle', 'en_preparation', 'en_cours', 'livree', 'annulee'] as const;
export const DeliveryStatusSchema = z.enum(DELIVERY_STATUSES);
export type DeliveryStatus = z.infer<typeof DeliveryStatusSchema>;

export const PaymentStatusSchema = z.enum(['non_payee', 'partielle', 'payee']);
export type PaymentStatus = z.infer<typeof PaymentStatusSchema>;

export const PrioritySchema = z.enum(['basse', 'moyenne', 'haute']);
export type Priority = z.infer<typeof PrioritySchema>;

/**
 * Cash, Orange Money, Moov Money, other; `avoir` is a client's credit moved from one of their
 * orders to another (written by the server, never chosen by a person: `MoneyMethodSchema`).
 */
export const PaymentMethodSchema = z.enum(['especes', 'orange_money', 'moov_money', 'autre', 'avoir']);
export type PaymentMethod = z.infer<typeof PaymentMethodSchema>;

/** The methods money is paid or refunded with. */
export const MoneyMethodSchema = PaymentMethodSchema.exclude(['avoir']);
export type MoneyMethod = z.infer<typeof MoneyMethodSchema>;

/**
 * What a row of an order's payments is, from its sign and method: money received (`paiement`),
 * money given back (`remboursement`, negative), a credit moved out to another order of the client
 * (`avoir_sortant`, negative) and that credit paying the other order (`avoir_entrant`).
 */
export const PaymentKindSchema = z.enum(['paiement', 'remboursement', 'avoir_sortant', 'avoir_entrant']);
export type PaymentKind = z.infer<typeof PaymentKindSchema>;

/** The kind of a payment row, from its sign and method (the table stores no more). */
export function paymentKindOf(amount: number, method: PaymentMethod): PaymentKind {
  if (method === 'avoir') return amount < 0 ? 'avoir_sortant' : 'avoir_entrant';
  return amount < 0 ? 'remboursement' : 'paiement';
}

/**
 * An order's money. It keeps its total; a return lowers what it asks (`due = total − returned`), a
 * cancelled order asks nothing (`due = 0`: all it was paid is credit, to refund or move);
 * `balance − credit = due − paid`, one of the two is 0. A client's balance is the sum over all
 * their orders, cancelled ones included, of `balance − credit`. The server's SQL copies of `due`
 * are `orderDueSql` / `ORDER_DUE_SQL` (apps/server orders/order-money.repo.ts).
 */
export function orderMoney(order: { total: number; returned: number; paid: number; cancelled: boolean }): {
  due: number;
  balance: number;
  credit: number;
} {
  const due = order.cancelled ? 0 : order.total - order.returned;
  return { due, balance: Math.max(0, due - order.paid), credit: Math.max(0, order.paid - due) };
}

/** The payment status follows what is paid against what is due; a credit is `payee` plus `credit`. */
export function paymentStatusFor(paid: number, due: number): PaymentStatus {
  if (paid >= due) return 'payee';
  return paid === 0 ? 'non_payee' : 'partielle';
}

/**
 * The delivery status machine: what may follow each state. `annulee` is reachable from
 * anything before `livree`; `livree` and `annulee` are final.
 */
export const NEXT_STATUSES: Record<DeliveryStatus, readonly DeliveryStatus[]> = {
  nouvelle: ['en_preparation', 'annulee'],
  en_preparation: ['en_cours', 'annulee'],
  en_cours: ['livree', 'annulee'],
  livree: [],
  annulee: [],
};

/** A phone number as people write it: `+226 70 12 34 56`, `70-12-34-56`; 8 to 15 digits. */
export const PhoneSchema = singleLineText({ trim: true })
  .max(30)
  .regex(/^\+?[0-9][0-9 .-]*[0-9]$/, 'numéro de téléphone invalide')
  .refine((value) => {
    const digits = value.replace(/\D/g, '').length;
    return digits >= 8 && digits <= 15;
  }, 'numéro de téléphone invalide');

export const OrderItemInputSchema = z.strictObject({
  product_id: IdSchema,
  quantity: z.number().int().positive().max(1_000_000),
});
export type OrderItemInput = z.infer<typeof OrderItemInputSchema>;

const ItemsInputSchema = z
  .array(OrderItemInputSchema)
  .min(1, 'au moins un article')
  .max(200)
  .superRefine((items, ctx) => {
    const seen = new Set<string>();
    items.forEach((item, index) => {
      if (seen.has(item.product_id)) {
        ctx.addIssue({ code: 'custom', path: [index, 'product_id'], message: 'produit en double' });
      }
      seen.add(item.product_id);
    });
  });

/**
 * The order's client (issue #27), besides the name and phone snapshot the order keeps: one of the
 * site's active clients (`client_id`; a merged one stands for the client kept), or `new_client`,
 * a client made with the order (its UUID from the phone; a live client of the site with the same
 * phone takes its place). Not both.
 */
const orderClientFields = {
  client_id: IdSchema.optional(),
  new_client: SyncCreateClientArgsSchema.optional(),
};

const orderFields = {
  client_name: singleLineText({ trim: true }).min(1).max(120),
  client_phone: PhoneSchema.nullable().optional(),
  delivery_address: multiLineText({ trim: true }).max(300).nullable().optional(),
  delivery_date: IsoDateSchema.nullable().optional(),
  priority: PrioritySchema.optional(),
  notes: multiLineText({ trim: true }).max(2000).nullable().optional(),
};

export const CreateOrderInputSchema = z.strictObject({
  /** Generated by the client: sending the same one again returns the existing order. */
  local_id: IdSchema,
  ...orderFields,
  ...orderClientFields,
  items: ItemsInputSchema,
  /** Admin only (others write to their own site). */
  site_id: IdSchema.optional(),
  /** A sale from stock on hand: the order is created already delivered, stock leaves at once. */
  direct_sale: z.boolean().optional(),
});
export type CreateOrderInput = z.infer<typeof CreateOrderInputSchema>;

/** Replaces the fields given; `items` replaces the whole list. Only while `nouvelle`. */
export const UpdateOrderInputSchema = z.strictObject({
  ...orderFields,
  ...orderClientFields,
  client_name: orderFields.client_name.optional(),
  items: ItemsInputSchema.optional(),
  /** When given, the change is refused (409 version_conflict) if the order moved on. */
  version: z.number().int().positive().optional(),
});
export type UpdateOrderInput = z.infer<typeof UpdateOrderInputSchema>;

export const ChangeStatusInputSchema = z.strictObject({
  status: DeliveryStatusSchema,
  version: z.number().int().positive().optional(),
  /** Managers may sell from an expired lot; the override is recorded in the ledger and audit. */
  allow_expired: z.boolean().optional(),
});
export type ChangeStatusInput = z.infer<typeof ChangeStatusInputSchema>;

export const PaymentInputSchema = z.strictObject({
  amount: z.number().int().positive('le montant doit être positif'),
  method: MoneyMethodSchema,
  /** Mobile-money transaction id. */
  reference: singleLineText({ trim: true }).min(1).max(64).nullable().optional(),
  version: z.number().int().positive().optional(),
});
export type PaymentInput = z.infer<typeof PaymentInputSchema>;

/**
 * Money given back to the client: at most the order's credit (what was paid beyond what the
 * order asks after its returns). The order's `version` is required, so a repeated request is a
 * `version_conflict` and refunds once.
 */
export const RefundInputSchema = z.strictObject({
  amount: z.number().int().positive('le montant doit être positif'),
  method: MoneyMethodSchema,
  /** The cash receipt or mobile-money transaction id. */
  reference: singleLineText({ trim: true }).min(1).max(64),
  version: z.number().int().positive(),
});
export type RefundInput = z.infer<typeof RefundInputSchema>;

/**
 * Moves the order's credit to another open order of the same client and site: at most the credit
 * and the other order's balance. `version` is this order's, required: applied twice, the second is
 * a `version_conflict`.
 */
export const ApplyCreditInputSchema = z.strictObject({
  target_order_id: IdSchema,
  amount: z.number().int().positive('le montant doit être positif'),
  version: z.number().int().positive(),
});
export type ApplyCreditInput = z.infer<typeof ApplyCreditInputSchema>;

export const ReturnInputSchema = z.strictObject({
  reason: singleLineText({ trim: true }).min(1).max(500),
  items: z
    .array(z.strictObject({ item_id: IdSchema, quantity: z.number().int().positive().max(1_000_000) }))
    .min(1)
    .max(200),
  version: z.number().int().positive().optional(),
});
export type ReturnInput = z.infer<typeof ReturnInputSchema>;

export const OrderItemSchema = z.object({
  id: IdSchema,
  product_id: IdSchema,
  product_name: z.string(),
  quantity: z.number().int(),
  unit_price: AmountSchema,
  subtotal: AmountSchema,
  returned_quantity: z.number().int(),
});
export type OrderItem = z.infer<typeof OrderItemSchema>;

export const PaymentSchema = z.object({
  id: IdSchema,
  /** Negative for a refund or a credit moved out. */
  amount: z.number().int(),
  method: PaymentMethodSchema,
  kind: PaymentKindSchema,
  reference: z.string().nullable(),
  /** A credit moved out or in: the client's other order it went to or came from. */
  linked_order_id: IdSchema.nullable(),
  linked_order_number: z.string().nullable(),
  recorded_by: IdSchema,
  /** Who took the money (a vendor at the door, a manager at the depot). */
  recorded_by_name: z.string().nullable(),
  device_id: IdSchema.nullable(),
  /** The phone or PC it was recorded from, by its registered name. */
  device_name: z.string().nullable(),
  created_at: z.string(),
});
export type Payment = z.infer<typeof PaymentSchema>;

export const OrderReturnSchema = z.object({
  id: IdSchema,
  reason: z.string(),
  items: z.array(z.object({ item_id: IdSchema, product_id: IdSchema, quantity: z.number().int() })),
  created_by: IdSchema,
  created_at: z.string(),
});
export type OrderReturn = z.infer<typeof OrderReturnSchema>;

/** One row of the dashboard list. */
export const OrderSummarySchema = z.object({
  id: IdSchema,
  local_id: IdSchema,
  number: z.string(),
  site_id: IdSchema,
  created_by: IdSchema,
  created_by_name: z.string().nullable(),
  device_id: IdSchema.nullable(),
  client_name: z.string(),
  /**
   * The directory's client (null: taken before the directory, or without one). Optional only for
   * summaries a phone stored before the field existed; the server always sends it.
   */
  client_id: IdSchema.nullable().optional(),
  client_phone: z.string().nullable(),
  delivery_address: z.string().nullable(),
  delivery_date: z.string().nullable(),
  priority: PrioritySchema,
  notes: z.string().nullable(),
  delivery_status: DeliveryStatusSchema,
  payment_status: PaymentStatusSchema,
  total_amount: AmountSchema,
  /** Net of refunds and credits moved out. */
  paid_amount: AmountSchema,
  /** What came back, at the order's unit prices: the order asks `total − returned`. */
  returned_amount: AmountSchema,
  /** Still owed: `max(0, total − returned − paid)`. */
  balance: AmountSchema,
  /** Paid beyond what the order asks, to refund or move to another order: `max(0, paid − (total − returned))`. */
  credit: AmountSchema,
  version: z.number().int(),
  delivered_at: z.string().nullable(),
  cancelled_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  /** True once a voice note is stored on the order (`voice_notes` on the detail lists them). */
  has_voice_note: z.boolean(),
});
export type OrderSummary = z.infer<typeof OrderSummarySchema>;

/** Where an order's credit may go: the client's other open orders of the site that still owe. */
export const CreditTargetsSchema = z.object({ items: z.array(OrderSummarySchema) });

export const OrderSchema = OrderSummarySchema.extend({
  items: z.array(OrderItemSchema),
  payments: z.array(PaymentSchema),
  returns: z.array(OrderReturnSchema),
  /** Voice notes left on the order, oldest first. */
  voice_notes: z.array(VoiceNoteSchema),
  /** The statuses this order may move to next. */
  next_statuses: z.array(DeliveryStatusSchema),
});
export type Order = z.infer<typeof OrderSchema>;

export const ORDER_SORTS = [
  'created_at',
  'delivery_date',
  'priority',
  'total_amount',
  'delivery_status',
] as const;

export const OrderListFilterSchema = z.strictObject({
  delivery_status: DeliveryStatusSchema.optional(),
  payment_status: PaymentStatusSchema.optional(),
  priority: PrioritySchema.optional(),
  /** The vendor who created the order. */
  created_by: IdSchema.optional(),
  site_id: IdSchema.optional(),
  /** Delivery date range, inclusive. */
  delivery_from: IsoDateSchema.optional(),
  delivery_to: IsoDateSchema.optional(),
  /** Creation period, inclusive days in the business time zone. */
  from: IsoDateSchema.optional(),
  to: IsoDateSchema.optional(),
  /** Client name or phone, or order number. */
  search: singleLineText({ trim: true }).min(1).max(64).optional(),
});
export type OrderListFilter = z.infer<typeof OrderListFilterSchema>;

export const OrderListQuerySchema = OrderListFilterSchema.extend({
  sort: z.enum(ORDER_SORTS).default('created_at'),
  direction: z.enum(['asc', 'desc']).default('desc'),
  cursor: singleLineText().max(200).optional(),
  limit: pageLimit(50, 200),
});
export type OrderListQuery = z.infer<typeof OrderListQuerySchema>;

/** The list's count stops at this many orders (`OrderCountSchema.capped`). */
export const ORDER_COUNT_CAP = 10_000;

/**
 * How many orders match the list's filters: exact up to `ORDER_COUNT_CAP`; beyond, `count` is the
 * cap and `capped` is true ("plus de 10 000").
 */
export const OrderCountSchema = z.object({
  count: z.number().int().min(0).max(ORDER_COUNT_CAP),
  capped: z.boolean(),
});
export type OrderCount = z.infer<typeof OrderCountSchema>;

/** A vendor whose orders the caller may filter the list by (`GET /api/orders/vendors/`). */
export const OrderVendorSchema = z.object({
  id: IdSchema,
  full_name: z.string(),
  site_id: IdSchema.nullable(),
  is_active: z.boolean(),
});
export type OrderVendor = z.infer<typeof OrderVendorSchema>;

export const OrderVendorQuerySchema = z.strictObject({ site_id: IdSchema.optional() });

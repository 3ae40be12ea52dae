import { z } from 'zod';
import { ClientKindSchema, clientInputFields } from './client-fields.ts';
import {
  AmountSchema,
  IdSchema,
  IsoDateSchema,
  pageLimit,
  QueryBooleanSchema,
  singleLineText,
} from './common.ts';
import { OrderSummarySchema, PaymentKindSchema, PaymentMethodSchema } from './orders.ts';

/**
 * The client directory (issue #27): a site's customers, referenced by orders (`client_id`), which
 * keep the name and phone they were taken with as a snapshot. Created by managers on the dashboard
 * and by phones offline with a phone-made UUID (the client's `id`, as an order's `local_id`).
 *
 * Routes (non-admins see their own site only; another site's client answers 404):
 * - `GET  /api/clients/` `ClientListQuery` → `ClientPage` (`clients.read`)
 * - `GET  /api/clients/{id}/` → `ClientDetail` (`clients.read`)
 * - `POST /api/clients/` `CreateClientInput` → 201 `Client` (`clients.create`); a phone another live
 *   client of the site has → 409 `client_phone_taken`, `details.client` = `{ id, name }`
 * - `PUT  /api/clients/{id}/` `UpdateClientInput` → `Client` (`clients.write`); stale `version` → 409
 * - `POST /api/clients/{id}/deactivate/` `DeactivateClientInput` → `Client` (`clients.write`)
 * - `POST /api/clients/merge/` `MergeClientsInput` → the kept `Client` (`clients.merge`, admin)
 * - `GET  /api/clients/{id}/statement/` `ClientStatementQuery` → PDF, CSV or `ClientStatement`
 *   (`reports.read`)
 */

export const ClientSchema = z.object({
  /** On a phone-created client, the phone's UUID. */
  id: IdSchema,
  site_id: IdSchema,
  name: z.string(),
  /** `+226XXXXXXXX` (or another country's `+` and digits); unique on the site among live clients. */
  phone: z.string().nullable(),
  /** Neighbourhood or village, for the rounds. */
  area: z.string().nullable(),
  address: z.string().nullable(),
  kind: ClientKindSchema,
  notes: z.string().nullable(),
  /** FCFA; null when none is set. */
  credit_limit: AmountSchema.nullable(),
  is_active: z.boolean(),
  /** Set when this client was merged into another (then inactive); its orders moved there. */
  merged_into_id: IdSchema.nullable(),
  created_by: IdSchema,
  created_by_name: z.string().nullable(),
  device_id: IdSchema.nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  version: z.number().int(),
});
export type Client = z.infer<typeof ClientSchema>;

/** One row of the directory's list. */
export const ClientListItemSchema = ClientSchema.extend({
  /**
   * What the client owes today, FCFA: over their orders not cancelled, Σ (total − returned −
   * paid), i.e. Σ (balance − credit) of the orders. Negative: the client has that much credit.
   */
  balance: z.number().int(),
  /** When their latest order was taken; null without one. */
  last_order_at: z.string().nullable(),
  /** Orders not cancelled. */
  order_count: z.number().int(),
});
export type ClientListItem = z.infer<typeof ClientListItemSchema>;

export const CLIENT_SORTS = ['name', 'last_order_at'] as const;
export type ClientSort = (typeof CLIENT_SORTS)[number];

export const ClientListQuerySchema = z.strictObject({
  /** Name or phone, accents and case ignored; a search written as a phone number (digits, spaces, `+`…) matches its digits anywhere in the phone, one with letters is a name. */
  search: singleLineText({ trim: true }).min(1).max(64).optional(),
  kind: ClientKindSchema.optional(),
  /** Default: active clients only; `false` lists the inactive (merged ones included). */
  is_active: QueryBooleanSchema.optional(),
  /** Admin only (others see their own site). */
  site_id: IdSchema.optional(),
  /** `name` A→Z by default; `last_order_at` newest first by default (never-ordered last). */
  sort: z.enum(CLIENT_SORTS).default('name'),
  direction: z.enum(['asc', 'desc']).optional(),
  cursor: singleLineText().max(300).optional(),
  limit: pageLimit(50, 200),
});
export type ClientListQuery = z.infer<typeof ClientListQuerySchema>;

export const ClientPageSchema = z.object({
  items: z.array(ClientListItemSchema),
  next_cursor: z.string().nullable(),
});
export type ClientPage = z.infer<typeof ClientPageSchema>;

/** Replaces the fields given. */
export const UpdateClientInputSchema = z.strictObject({
  ...clientInputFields,
  name: clientInputFields.name.optional(),
  /** Reactivating a deactivated client (a merged one stays merged). */
  is_active: z.literal(true).optional(),
  /** When given, the change is refused (409 version_conflict) if the client changed meanwhile. */
  version: z.number().int().positive().optional(),
});
export type UpdateClientInput = z.infer<typeof UpdateClientInputSchema>;

/** `POST /api/clients/{id}/deactivate/`: the client leaves the lists and the phones; orders stay. */
export const DeactivateClientInputSchema = z.strictObject({
  version: z.number().int().positive().optional(),
});
export type DeactivateClientInput = z.infer<typeof DeactivateClientInputSchema>;

/**
 * `POST /api/clients/merge/` (admin): `merged_id`'s orders (and so their payments) move to
 * `kept_id`; `merged_id` becomes inactive with `merged_into_id = kept_id`. Both on one site.
 */
export const MergeClientsInputSchema = z.strictObject({
  kept_id: IdSchema,
  merged_id: IdSchema,
});
export type MergeClientsInput = z.infer<typeof MergeClientsInputSchema>;

/** A payment on one of the client's orders. */
export const ClientPaymentSchema = z.object({
  id: IdSchema,
  order_id: IdSchema,
  order_number: z.string(),
  /** Negative for a refund or a credit moved out to another order. */
  amount: z.number().int(),
  method: PaymentMethodSchema,
  kind: PaymentKindSchema,
  reference: z.string().nullable(),
  created_at: z.string(),
});
export type ClientPayment = z.infer<typeof ClientPaymentSchema>;

/** `GET /api/clients/{id}/`: the client, their figures, latest orders and payments. */
export const ClientDetailSchema = ClientListItemSchema.extend({
  /**
   * Total and returned over the orders not cancelled, paid over all (a cancelled order asks
   * nothing, what it holds is credit): balance = total_amount − returned_amount − paid_amount.
   */
  total_amount: AmountSchema,
  returned_amount: AmountSchema,
  /** Net of refunds. */
  paid_amount: z.number().int(),
  /** The newest 50 orders (cancelled ones included), newest first. */
  orders: z.array(OrderSummarySchema),
  /** The newest 50 payments, newest first. */
  payments: z.array(ClientPaymentSchema),
});
export type ClientDetail = z.infer<typeof ClientDetailSchema>;

export const CLIENT_STATEMENT_FORMATS = ['pdf', 'csv', 'json'] as const;

/** `GET /api/clients/{id}/statement/`: the relevé de compte for a period (default the last 30 days). */
export const ClientStatementQuerySchema = z.strictObject({
  /** Inclusive days in the business time zone. */
  from: IsoDateSchema.optional(),
  to: IsoDateSchema.optional(),
  format: z.enum(CLIENT_STATEMENT_FORMATS).default('pdf'),
  /** CSV field separator; `semicolon` is what Excel expects in French locales. */
  sep: z.enum(['comma', 'semicolon']).default('comma'),
});
export type ClientStatementQuery = z.infer<typeof ClientStatementQuerySchema>;

/**
 * One line of a statement: an order taken (debit, its total), goods returned (credit, at the
 * order's prices), or a payment row (`payment_kind`: money received is a credit, a refund a debit;
 * a credit moved between two of the client's orders is a pair that cancels out). `balance` is the
 * running balance after the line.
 */
export const ClientStatementLineSchema = z.object({
  kind: z.enum(['order', 'return', 'payment']),
  payment_kind: PaymentKindSchema.nullable(),
  at: z.string(),
  order_id: IdSchema,
  order_number: z.string(),
  /** For a payment: its method and mobile-money reference. */
  method: PaymentMethodSchema.nullable(),
  reference: z.string().nullable(),
  debit: AmountSchema,
  credit: AmountSchema,
  balance: z.number().int(),
});
export type ClientStatementLine = z.infer<typeof ClientStatementLineSchema>;

export const ClientStatementSchema = z.object({
  client: ClientSchema,
  site: z.object({ id: IdSchema, name: z.string(), code: z.string() }),
  from: IsoDateSchema,
  to: IsoDateSchema,
  generated_at: z.string(),
  /** What was owed at the start of `from` (negative: credit), from the lines before it. */
  opening_balance: z.number().int(),
  lines: z.array(ClientStatementLineSchema),
  total_debit: AmountSchema,
  total_credit: AmountSchema,
  /** opening_balance + total_debit − total_credit. */
  closing_balance: z.number().int(),
});
export type ClientStatement = z.infer<typeof ClientStatementSchema>;

/** A client as the pull carries it (the site's active clients; removals when one is deactivated or merged). */
export const SyncClientSchema = ClientSchema.omit({ created_by_name: true }).extend({
  /** As `ClientListItem.balance`: negative is credit. */
  balance: z.number().int(),
  last_order_at: z.string().nullable(),
});
export type SyncClient = z.infer<typeof SyncClientSchema>;

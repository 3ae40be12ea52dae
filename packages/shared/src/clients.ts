import { z } from 'zod';
import {
  AmountSchema,
  IdSchema,
  IsoDateSchema,
  multiLineText,
  pageLimit,
  QueryBooleanSchema,
  singleLineText,
} from './common.ts';
import { OrderSummarySchema, PaymentMethodSchema } from './orders.ts';

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

export const CLIENT_KINDS = ['boutique', 'maquis', 'revendeur', 'particulier', 'autre'] as const;
export const ClientKindSchema = z.enum(CLIENT_KINDS);
export type ClientKind = z.infer<typeof ClientKindSchema>;

/** What a typed phone number may hold: digits, spaces, dots, dashes, slashes, a leading `+`. */
const PHONE_CHARACTERS = /^(\+|00)?[0-9][0-9 .\-/]*[0-9]$/;

/** Burkina Faso's country code; a phone number of 8 digits without one is a local number. */
export const LOCAL_COUNTRY_CODE = '226';

/**
 * A phone number in its one stored form, `+` and digits (`+226XXXXXXXX` for Burkina Faso), from the
 * forms people write: `70 12 34 56`, `70-12-34-56`, `+226 70123456`, `0022670123456`. Null when it
 * is none of them (8 local digits, or `+`/`00` then a country code and 8 to 15 digits in all; a
 * Burkina number has exactly 8 after `226`). The server's migration does the same in SQL.
 */
export function normalizePhone(text: string): string | null {
  const trimmed = text.trim();
  if (!PHONE_CHARACTERS.test(trimmed)) return null;
  const digits = trimmed.replace(/\D/g, '');
  let international: string;
  if (trimmed.startsWith('+')) international = digits;
  else if (trimmed.startsWith('00')) international = digits.slice(2);
  else if (digits.length === 8) international = LOCAL_COUNTRY_CODE + digits;
  else if (digits.length === 11 && digits.startsWith(LOCAL_COUNTRY_CODE)) international = digits;
  else return null;
  if (international.startsWith(LOCAL_COUNTRY_CODE) && international.length !== 11) return null;
  if (international.length < 8 || international.length > 15) return null;
  return `+${international}`;
}

/**
 * A client's name as the directory compares it: lower case, accents stripped, spaces collapsed
 * ("Maquis  Chez Adèle" and "maquis chez adele" are one). Search uses it on both sides.
 */
export function foldClientName(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

export const CLIENT_PHONE_MESSAGE = 'numéro de téléphone invalide';

/** A phone as typed, normalised to `+226…` (see `normalizePhone`); a form it can't read is refused. */
export const ClientPhoneInputSchema = singleLineText({ trim: true })
  .max(30)
  .regex(PHONE_CHARACTERS, CLIENT_PHONE_MESSAGE)
  .transform((value, ctx) => {
    const phone = normalizePhone(value);
    if (phone === null) {
      ctx.addIssue({ code: 'invalid_format', format: 'regex', message: CLIENT_PHONE_MESSAGE });
      return z.NEVER;
    }
    return phone;
  });

/** An amount of FCFA the client may owe before the phone warns (a warning, never a block). */
export const CreditLimitSchema = z.number().int().min(0).max(1_000_000_000);

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
   * What the client owes today: over their orders not cancelled, total − paid (payments beyond
   * an order's total are impossible; returns and credit come with the money part of #27).
   */
  balance: AmountSchema,
  /** When their latest order was taken; null without one. */
  last_order_at: z.string().nullable(),
  /** Orders not cancelled. */
  order_count: z.number().int(),
});
export type ClientListItem = z.infer<typeof ClientListItemSchema>;

export const CLIENT_SORTS = ['name', 'last_order_at'] as const;
export type ClientSort = (typeof CLIENT_SORTS)[number];

export const ClientListQuerySchema = z.strictObject({
  /** Name or phone, accents and case ignored; digits match anywhere in the phone. */
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

const clientFields = {
  name: singleLineText({ trim: true }).min(1).max(120),
  phone: ClientPhoneInputSchema.nullable().optional(),
  area: singleLineText({ trim: true }).max(120).nullable().optional(),
  address: multiLineText({ trim: true }).max(300).nullable().optional(),
  kind: ClientKindSchema.optional(),
  notes: multiLineText({ trim: true }).max(2000).nullable().optional(),
  credit_limit: CreditLimitSchema.nullable().optional(),
};

export const CreateClientInputSchema = z.strictObject({
  /** Optional from the dashboard; a phone sends its own UUID (sending it again is idempotent). */
  id: IdSchema.optional(),
  ...clientFields,
  /** Admin only (others create on their own site). */
  site_id: IdSchema.optional(),
});
export type CreateClientInput = z.infer<typeof CreateClientInputSchema>;

/** Replaces the fields given. */
export const UpdateClientInputSchema = z.strictObject({
  ...clientFields,
  name: clientFields.name.optional(),
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
  amount: AmountSchema,
  method: PaymentMethodSchema,
  reference: z.string().nullable(),
  created_at: z.string(),
});
export type ClientPayment = z.infer<typeof ClientPaymentSchema>;

/** `GET /api/clients/{id}/`: the client, their figures, latest orders and payments. */
export const ClientDetailSchema = ClientListItemSchema.extend({
  /** Σ total and Σ paid of the orders not cancelled (balance = total_amount − paid_amount). */
  total_amount: AmountSchema,
  paid_amount: AmountSchema,
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
 * One line of a statement: an order taken (debit, its total) or a payment received (credit).
 * `balance` is the running balance after the line.
 */
export const ClientStatementLineSchema = z.object({
  kind: z.enum(['order', 'payment']),
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
  /** What was owed at the start of `from` (orders not cancelled, payments before it). */
  opening_balance: z.number().int(),
  lines: z.array(ClientStatementLineSchema),
  total_debit: AmountSchema,
  total_credit: AmountSchema,
  /** opening_balance + total_debit − total_credit. */
  closing_balance: z.number().int(),
});
export type ClientStatement = z.infer<typeof ClientStatementSchema>;

/**
 * The `create_client` sync mutation's arguments: the phone's UUID is required. A client with the
 * same normalised phone on the site already there answers `applied` with that client's id (the
 * survivor); the same id with other content is rejected (`client_id_taken`).
 */
export const SyncCreateClientArgsSchema = CreateClientInputSchema.omit({ site_id: true }).extend({
  id: IdSchema,
});
export type SyncCreateClientArgs = z.infer<typeof SyncCreateClientArgsSchema>;

/** What a push result says of a client: the id the phone must use from now on. */
export const SyncClientRefSchema = z.object({
  /** The phone's UUID, as sent. */
  requested_id: IdSchema,
  /** The client that holds it: `requested_id`, or the existing client it was deduplicated into. */
  id: IdSchema,
  version: z.number().int(),
});
export type SyncClientRef = z.infer<typeof SyncClientRefSchema>;

/** A client as the pull carries it (the site's active clients; removals when one is deactivated or merged). */
export const SyncClientSchema = ClientSchema.omit({ created_by_name: true }).extend({
  balance: AmountSchema,
  last_order_at: z.string().nullable(),
});
export type SyncClient = z.infer<typeof SyncClientSchema>;

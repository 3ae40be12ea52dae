import { z } from 'zod';
import { IdSchema, pageLimit, pageOf, QueryBooleanSchema, singleLineText } from './common.ts';

/** What a notification is about; the web app picks an icon and a link from it. */
export const NOTIFICATION_KINDS = [
  'commande_nouvelle',
  /**
   * Several orders a phone's push created together: one notification for the batch (named
   * `commande_…` so the screens refreshed by `notification:commande_` events refresh on it too).
   */
  'commande_lot',
  'commande_statut',
  'paiement_enregistre',
  'commande_note_vocale',
  'stock_bas',
  'rupture_stock',
  'lot_expiration_proche',
  'lot_expire',
  'sync_rejetee',
] as const;
export const NotificationKindSchema = z.enum(NOTIFICATION_KINDS);
export type NotificationKind = z.infer<typeof NotificationKindSchema>;

/** Notification ids are increasing integers, carried as text (JSON numbers lose precision past 2^53). */
export const NotificationIdSchema = singleLineText().regex(
  /^[1-9][0-9]{0,17}$/,
  'identifiant de notification',
);
export const NotificationIdParamsSchema = z.strictObject({ id: NotificationIdSchema });

/**
 * The values a notification's text is made of, by code: `order_number`, `client_name`,
 * `total_amount`, `from`/`to` (delivery statuses), `amount`, `method`, `payment_status`,
 * `paid_amount`, `product_name`, `unit`, `quantity`, `min_stock_level`, `lot_code`,
 * `expiry_date`, `days_left`, `count`, `first_number`/`last_number` (a batch of new orders). A client writes `title` and `body` from the code and
 * these in its reader's language; the French `title`/`body` are the fallback.
 */
export const NotificationParamsSchema = z.record(z.string(), z.union([z.string(), z.number()]));
export type NotificationParams = z.infer<typeof NotificationParamsSchema>;

export const NotificationSchema = z.object({
  id: NotificationIdSchema,
  kind: NotificationKindSchema,
  /** The message's code (the kind): what a client renders `title`/`body` from, with `params`. */
  code: NotificationKindSchema,
  params: NotificationParamsSchema,
  /** The French rendering, for clients without a catalogue. */
  title: z.string(),
  body: z.string(),
  site_id: IdSchema.nullable(),
  /** Ids the client links to (`order_id`, `product_id`, `lot_id`…), by kind. */
  data: z.record(z.string(), z.unknown()),
  created_at: z.string(),
  /** When the caller read it; null while unread. Read state is per user, even for a role-wide notification. */
  read_at: z.string().nullable(),
});
export type Notification = z.infer<typeof NotificationSchema>;

export const NotificationListQuerySchema = z.strictObject({
  unread_only: QueryBooleanSchema.optional(),
  cursor: singleLineText().max(128).optional(),
  limit: pageLimit(30, 100),
});
export type NotificationListQuery = z.infer<typeof NotificationListQuerySchema>;

/** Unread first, then newest first; `unread_count` is the caller's total, for the badge. */
export const NotificationPageSchema = pageOf(NotificationSchema).extend({
  unread_count: z.number().int().nonnegative(),
});
export type NotificationPage = z.infer<typeof NotificationPageSchema>;

export const ReadAllResultSchema = z.object({ marked: z.number().int().nonnegative() });

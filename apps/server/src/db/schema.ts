import { type SQLWrapper, sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  bigserial,
  boolean,
  check,
  customType,
  date,
  foreignKey,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/** Binary data (`bytea`), read and written as a Buffer on both drivers. */
const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value)),
});

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

export const roleEnum = pgEnum('role', ['vendeur', 'gestionnaire_commandes', 'gestionnaire_stocks', 'admin']);

export const sites = pgTable('sites', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  code: text('code').notNull().unique(),
  address: text('address'),
  isActive: boolean('is_active').notNull().default(true),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    username: text('username').notNull(),
    fullName: text('full_name').notNull(),
    phone: text('phone'),
    role: roleEnum('role').notNull(),
    siteId: uuid('site_id').references(() => sites.id),
    passwordHash: text('password_hash').notNull(),
    isActive: boolean('is_active').notNull().default(true),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('users_username_lower_key').on(sql`lower(${t.username})`),
    // Everyone but the admin belongs to exactly one site.
    check('users_site_required', sql`${t.role} = 'admin' OR ${t.siteId} IS NOT NULL`),
  ],
);

export const devices = pgTable(
  'devices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    serial: text('serial').notNull().unique(),
    name: text('name').notNull(),
    siteId: uuid('site_id')
      .notNull()
      .references(() => sites.id),
    userId: uuid('user_id').references(() => users.id),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
    /** Highest sync mutation sequence this device has had processed (sync protocol). */
    lastSeq: integer('last_seq').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [index('devices_site_idx').on(t.siteId)],
);

export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** All tokens issued from one login share a family; reuse of a rotated token revokes it. */
    familyId: uuid('family_id').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    deviceId: uuid('device_id').references(() => devices.id),
    tokenHash: text('token_hash').notNull().unique(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    rotatedAt: timestamp('rotated_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('refresh_tokens_family_idx').on(t.familyId), index('refresh_tokens_user_idx').on(t.userId)],
);

export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    userId: uuid('user_id'),
    deviceId: uuid('device_id'),
    siteId: uuid('site_id'),
    action: text('action').notNull(),
    entity: text('entity').notNull(),
    entityId: text('entity_id'),
    before: jsonb('before'),
    after: jsonb('after'),
    requestId: text('request_id'),
    ip: text('ip'),
  },
  (t) => [
    index('audit_log_entity_idx').on(t.entity, t.entityId, t.id),
    index('audit_log_user_idx').on(t.userId, t.id),
    index('audit_log_at_idx').on(t.at),
  ],
);

// ---------------------------------------------------------------- catalog and stock

export const categories = pgTable('categories', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull().unique(),
  description: text('description'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const products = pgTable(
  'products',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    categoryId: uuid('category_id').references(() => categories.id),
    unit: text('unit').notNull(),
    unitPrice: integer('unit_price').notNull(),
    barcode: text('barcode'),
    minStockLevel: integer('min_stock_level').notNull().default(0),
    shelfLifeDays: integer('shelf_life_days'),
    isActive: boolean('is_active').notNull().default(true),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('products_barcode_key')
      .on(t.barcode)
      .where(sql`${t.barcode} IS NOT NULL AND ${t.deletedAt} IS NULL`),
    index('products_category_idx').on(t.categoryId),
    check('products_unit_price_nonneg', sql`${t.unitPrice} >= 0`),
    check('products_min_stock_nonneg', sql`${t.minStockLevel} >= 0`),
  ],
);

export const lots = pgTable(
  'lots',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id),
    siteId: uuid('site_id')
      .notNull()
      .references(() => sites.id),
    code: text('code').notNull(),
    expiryDate: date('expiry_date', { mode: 'string' }).notNull(),
    quantity: integer('quantity').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('lots_product_site_code_key').on(t.productId, t.siteId, t.code),
    // The target of the ledger's one reference to where stock is held (stock_movements_lot_fk).
    unique('lots_id_product_site_key').on(t.id, t.productId, t.siteId),
    index('lots_fefo_idx').on(t.productId, t.siteId, t.expiryDate),
    index('lots_site_expiry_idx').on(t.siteId, t.expiryDate),
    // Backstop for invariant 2: the service never lets stock go negative, the database refuses it too.
    check('lots_quantity_nonneg', sql`${t.quantity} >= 0`),
  ],
);

/** Current stock of a product at a site: the sum of its lots, kept in step by the ledger service. */
export const stockLevels = pgTable(
  'stock_levels',
  {
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id),
    siteId: uuid('site_id')
      .notNull()
      .references(() => sites.id),
    quantity: integer('quantity').notNull().default(0),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.productId, t.siteId] }),
    check('stock_levels_quantity_nonneg', sql`${t.quantity} >= 0`),
  ],
);

export const movementTypeEnum = pgEnum('movement_type', [
  'entree',
  'sortie',
  'ajustement',
  'vente',
  'retour',
  'perte',
]);

/** The stock ledger. Append-only: a trigger refuses UPDATE and DELETE. */
export const stockMovements = pgTable(
  'stock_movements',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    productId: uuid('product_id').notNull(),
    siteId: uuid('site_id').notNull(),
    lotId: uuid('lot_id').notNull(),
    type: movementTypeEnum('type').notNull(),
    quantity: integer('quantity').notNull(),
    stockBefore: integer('stock_before').notNull(),
    stockAfter: integer('stock_after').notNull(),
    lotBefore: integer('lot_before').notNull(),
    lotAfter: integer('lot_after').notNull(),
    reference: text('reference'),
    orderId: uuid('order_id'),
    userId: uuid('user_id').references(() => users.id),
    deviceId: uuid('device_id').references(() => devices.id),
    reason: text('reason'),
    expiredOverride: boolean('expired_override').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    // One reference for the lot, its product and its site: a movement's product and site are its
    // lot's, and the lot's own references reach the product and the site. Each reference costs
    // every ledger row a lookup and a row lock, and this one's lot is already locked by the
    // ledger write: three references as one took a fifth off a delivery batch's stock
    // statement (bench/RESULTS.md, seventh session).
    foreignKey({
      name: 'stock_movements_lot_fk',
      columns: [t.lotId, t.productId, t.siteId],
      foreignColumns: [lots.id, lots.productId, lots.siteId],
    }),
    index('stock_movements_product_site_idx').on(t.productId, t.siteId, t.id),
    index('stock_movements_site_idx').on(t.siteId, t.id),
    index('stock_movements_lot_idx').on(t.lotId, t.id),
    index('stock_movements_order_idx').on(t.orderId),
    index('stock_movements_reference_idx').on(t.reference),
    check('stock_movements_chain', sql`${t.stockAfter} = ${t.stockBefore} + ${t.quantity}`),
    check('stock_movements_lot_chain', sql`${t.lotAfter} = ${t.lotBefore} + ${t.quantity}`),
    check('stock_movements_nonneg', sql`${t.stockAfter} >= 0 AND ${t.lotAfter} >= 0`),
    check('stock_movements_nonzero', sql`${t.quantity} <> 0`),
  ],
);

// ---------------------------------------------------------------- orders

export const deliveryStatusEnum = pgEnum('delivery_status', [
  'nouvelle',
  'en_preparation',
  'en_cours',
  'livree',
  'annulee',
]);
export const paymentStatusEnum = pgEnum('payment_status', ['non_payee', 'partielle', 'payee']);
export const priorityEnum = pgEnum('priority', ['basse', 'moyenne', 'haute']);
/** `avoir`: a credit moved from one order to another of the same client (never typed by a person). */
export const paymentMethodEnum = pgEnum('payment_method', [
  'especes',
  'orange_money',
  'moov_money',
  'autre',
  'avoir',
]);

export const clientKindEnum = pgEnum('client_kind', [
  'boutique',
  'maquis',
  'revendeur',
  'particulier',
  'autre',
]);

/**
 * The site's customers (issue #27). A phone creates one offline with its own UUID as `id`. A merged
 * client stays as a row pointing at the kept one (`merged_into_id`, inactive), so an order a phone
 * queued for it still finds its client; a phone-created duplicate of an existing phone number is
 * stored the same way. `name_key` is the name as search and deduplication compare it.
 */
export const clients = pgTable(
  'clients',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    siteId: uuid('site_id')
      .notNull()
      .references(() => sites.id),
    name: text('name').notNull(),
    /** Lower case, accents stripped, spaces collapsed: as `foldClientName` in the shared package. */
    nameKey: text('name_key')
      .notNull()
      .generatedAlwaysAs(
        sql`btrim(lower(regexp_replace(regexp_replace(normalize(name, NFD), '[\\u0300-\\u036f]', '', 'g'), '\\s+', ' ', 'g')))`,
      ),
    /** `+226XXXXXXXX` (normalizePhone). */
    phone: text('phone'),
    area: text('area'),
    address: text('address'),
    kind: clientKindEnum('kind').notNull().default('autre'),
    notes: text('notes'),
    creditLimit: integer('credit_limit'),
    isActive: boolean('is_active').notNull().default(true),
    mergedIntoId: uuid('merged_into_id').references((): AnyPgColumn => clients.id),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => users.id),
    deviceId: uuid('device_id').references(() => devices.id),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    // A phone belongs to one client of the site; merged rows keep theirs as a record.
    uniqueIndex('clients_site_phone_key')
      .on(t.siteId, t.phone)
      .where(sql`${t.phone} IS NOT NULL AND ${t.mergedIntoId} IS NULL`),
    index('clients_site_name_idx').on(t.siteId, t.nameKey, t.id),
    check('clients_credit_limit_nonneg', sql`${t.creditLimit} >= 0`),
    check(
      'clients_merged_inactive',
      sql`${t.mergedIntoId} IS NULL OR (${t.mergedIntoId} <> ${t.id} AND NOT ${t.isActive})`,
    ),
  ],
);

/**
 * What the order list's search reads (order-list.repo.ts): client name, phone and order number
 * in one text, so one trigram index (`orders_search_trgm_idx`, pg_trgm) answers `ILIKE '%…%'`
 * on the three. The list repeats the ILIKE on each column, so a match across two fields stays out.
 */
export function orderSearchKey(t: { clientName: SQLWrapper; clientPhone: SQLWrapper; number: SQLWrapper }) {
  return sql`(${t.clientName} || ' ' || coalesce(${t.clientPhone}, '') || ' ' || ${t.number})`;
}

export const orders = pgTable(
  'orders',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Client-generated UUID: creating twice with the same one returns the same order. */
    localId: uuid('local_id').notNull().unique(),
    /** Human-readable, unique per site: `CMD-20261121-0042`. */
    number: text('number').notNull(),
    siteId: uuid('site_id')
      .notNull()
      .references(() => sites.id),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => users.id),
    deviceId: uuid('device_id').references(() => devices.id),
    /** The client; `client_name`/`client_phone` keep what the order was taken with. */
    clientId: uuid('client_id').references(() => clients.id),
    clientName: text('client_name').notNull(),
    clientPhone: text('client_phone'),
    deliveryAddress: text('delivery_address'),
    deliveryDate: date('delivery_date', { mode: 'string' }),
    priority: priorityEnum('priority').notNull().default('moyenne'),
    notes: text('notes'),
    deliveryStatus: deliveryStatusEnum('delivery_status').notNull().default('nouvelle'),
    paymentStatus: paymentStatusEnum('payment_status').notNull().default('non_payee'),
    totalAmount: integer('total_amount').notNull(),
    /** Net of refunds and credits moved out: the sum of the order's payments. */
    paidAmount: integer('paid_amount').notNull().default(0),
    /** What came back, at the order's unit prices: the order asks `total − returned`. */
    returnedAmount: integer('returned_amount').notNull().default(0),
    version: integer('version').notNull().default(1),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    /**
     * Set when a voice note is stored on the order (voice-notes.service.ts): the list shows it from
     * the row it reads anyway, where a lookup in `voice_notes` per row would cost a join.
     */
    hasVoiceNote: boolean('has_voice_note').notNull().default(false),
  },
  (t) => [
    uniqueIndex('orders_site_number_key').on(t.siteId, t.number),
    // Keyset pagination for the dashboard: (site, created_at desc, id) and the common filters.
    // Each sort's index is (site, key, created_at, id), all DESC: its filter (key = value) reads
    // it newest first, and its sort (key, then newest first) reads it one way or the other.
    index('orders_site_created_idx').on(t.siteId, t.createdAt.desc(), t.id.desc()),
    index('orders_site_status_created_idx').on(
      t.siteId,
      t.deliveryStatus.desc(),
      t.createdAt.desc(),
      t.id.desc(),
    ),
    index('orders_site_payment_created_idx').on(t.siteId, t.paymentStatus, t.createdAt.desc(), t.id.desc()),
    index('orders_site_priority_created_idx').on(
      t.siteId,
      t.priority.desc(),
      t.createdAt.desc(),
      t.id.desc(),
    ),
    index('orders_site_total_created_idx').on(
      t.siteId,
      t.totalAmount.desc(),
      t.createdAt.desc(),
      t.id.desc(),
    ),
    index('orders_creator_created_idx').on(t.createdBy, t.createdAt.desc(), t.id.desc()),
    index('orders_created_idx').on(t.createdAt.desc(), t.id.desc()),
    // The list's search (pg_trgm, extension created by migration 0017). New entries wait in the
    // index's pending list, which every search reads whole, until it is full or vacuumed: 256 kB
    // (the default is 4 MB) keeps a search's part small and the write that empties it short,
    // for no measurable cost per write (bench/RESULTS.md).
    index('orders_search_trgm_idx')
      .using('gin', sql`${orderSearchKey(t)} gin_trgm_ops`)
      .with({ gin_pending_list_limit: 256 }), // kB, migration 0019
    // A client's orders, newest first: their balance, last order and page.
    index('orders_client_created_idx').on(t.clientId, t.createdAt.desc(), t.id.desc()),
    // The delivery date's sort and range filter (an order without a date comes last).
    index('orders_site_delivery_created_idx').on(
      t.siteId,
      sql`(coalesce(${t.deliveryDate}, 'infinity'::date)) DESC NULLS LAST`,
      t.createdAt.desc(),
      t.id.desc(),
    ),
    // Paid may exceed what is due after a return (a credit), never the total: a payment stops at
    // the balance, a refund or a credit moved out at the credit.
    check(
      'orders_money_range',
      sql`${t.paidAmount} >= 0 AND ${t.paidAmount} <= ${t.totalAmount} AND ${t.returnedAmount} >= 0 AND ${t.returnedAmount} <= ${t.totalAmount}`,
    ),
  ],
);

export const orderItems = pgTable(
  'order_items',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id),
    quantity: integer('quantity').notNull(),
    unitPrice: integer('unit_price').notNull(),
    subtotal: integer('subtotal').notNull(),
    returnedQuantity: integer('returned_quantity').notNull().default(0),
  },
  (t) => [
    index('order_items_order_idx').on(t.orderId),
    index('order_items_product_idx').on(t.productId),
    check('order_items_quantity_pos', sql`${t.quantity} > 0`),
    check(
      'order_items_returned_range',
      sql`${t.returnedQuantity} >= 0 AND ${t.returnedQuantity} <= ${t.quantity}`,
    ),
  ],
);

export const payments = pgTable(
  'payments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id),
    amount: integer('amount').notNull(),
    method: paymentMethodEnum('method').notNull(),
    reference: text('reference'),
    /** On a credit moved in (`avoir`, amount > 0): the credit moved out of the other order. */
    creditSourceId: uuid('credit_source_id').references((): AnyPgColumn => payments.id),
    recordedBy: uuid('recorded_by')
      .notNull()
      .references(() => users.id),
    deviceId: uuid('device_id').references(() => devices.id),
    createdAt: createdAt(),
  },
  (t) => [
    index('payments_order_idx').on(t.orderId),
    // A credit moved in names the credit moved out it came from, once.
    uniqueIndex('payments_credit_source_key').on(t.creditSourceId),
    check('payments_amount_nonzero', sql`${t.amount} <> 0`),
    // The kinds of row, told apart by sign and method: a payment (> 0), a refund (< 0), a credit
    // moved out (< 0, avoir) and the credit moved in it paid (> 0, avoir, credit_source_id).
    check(
      'payments_credit_linked',
      sql`(${t.creditSourceId} IS NOT NULL) = (${t.method}::text = 'avoir' AND ${t.amount} > 0)`,
    ),
  ],
);

export const orderReturns = pgTable(
  'order_returns',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id),
    reason: text('reason').notNull(),
    items: jsonb('items').notNull(),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => users.id),
    deviceId: uuid('device_id').references(() => devices.id),
    createdAt: createdAt(),
  },
  (t) => [index('order_returns_order_idx').on(t.orderId)],
);

/**
 * The last time the depot could not deliver an order (a delivery refused for lack of stock), one
 * row per order, replaced by the next refusal. Written in the refused delivery's own transaction;
 * the sync pull carries it on the order (a trigger logs the order as changed), so the vendor's
 * card says why the order waits.
 */
export const orderDeliveryIssues = pgTable('order_delivery_issues', {
  orderId: uuid('order_id')
    .primaryKey()
    .references(() => orders.id),
  code: text('code').notNull(),
  message: text('message').notNull(),
  details: jsonb('details'),
  recordedBy: uuid('recorded_by')
    .notNull()
    .references(() => users.id),
  deviceId: uuid('device_id').references(() => devices.id),
  createdAt: createdAt(),
});

/**
 * Voice notes left on orders (issue #21), bytes included, so a backup carries them. The id is the
 * phone's: uploading it again is answered from here (`sha256` tells the same bytes from others).
 */
export const voiceNotes = pgTable(
  'voice_notes',
  {
    id: uuid('id').primaryKey(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id),
    durationMs: integer('duration_ms').notNull(),
    byteSize: integer('byte_size').notNull(),
    contentType: text('content_type').notNull(),
    sha256: text('sha256').notNull(),
    audio: bytea('audio').notNull(),
    recordedBy: uuid('recorded_by')
      .notNull()
      .references(() => users.id),
    deviceId: uuid('device_id').references(() => devices.id),
    createdAt: createdAt(),
  },
  (t) => [
    index('voice_notes_order_idx').on(t.orderId, t.createdAt, t.id),
    check('voice_notes_size', sql`${t.byteSize} > 0 AND ${t.byteSize} = octet_length(${t.audio})`),
    check('voice_notes_duration', sql`${t.durationMs} BETWEEN 1 AND 60000`),
  ],
);

/** Per site and day counter behind the human-readable order number. */
export const orderCounters = pgTable(
  'order_counters',
  {
    siteId: uuid('site_id')
      .notNull()
      .references(() => sites.id),
    day: date('day', { mode: 'string' }).notNull(),
    last: integer('last').notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.day] })],
);

// ---------------------------------------------------------------- notifications

/**
 * One row per event, addressed to a user, to roles (at `site_id`; `admin` means every admin,
 * whatever the site), or both. Who sees it is decided when reading, so a role-wide notification
 * is one row however many people hold the role; read state is per user in `notification_reads`.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    kind: text('kind').notNull(),
    siteId: uuid('site_id').references(() => sites.id),
    targetUserId: uuid('target_user_id').references(() => users.id),
    targetRoles: roleEnum('target_roles').array().notNull().default(sql`'{}'`),
    data: jsonb('data').notNull().default({}),
    /**
     * The values its text is made of (order number, client, product…), by `kind`: stored
     * language-neutral, each reader's client writes the notification in its own language from
     * them, and the server writes the French `title`/`body` when read (notification-text.ts).
     */
    params: jsonb('params').notNull().default({}),
    /** Set for notifications that must exist once (expiry alerts: lot + threshold), across processes. */
    dedupeKey: text('dedupe_key').unique(),
    createdAt: createdAt(),
  },
  (t) => [
    index('notifications_user_idx').on(t.targetUserId, t.id),
    index('notifications_site_idx').on(t.siteId, t.id),
    index('notifications_roles_idx').using('gin', t.targetRoles),
    check(
      'notifications_has_target',
      sql`${t.targetUserId} IS NOT NULL OR cardinality(${t.targetRoles}) > 0`,
    ),
  ],
);

export const notificationReads = pgTable(
  'notification_reads',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    notificationId: bigint('notification_id', { mode: 'number' })
      .notNull()
      .references(() => notifications.id, { onDelete: 'cascade' }),
    readAt: timestamp('read_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.notificationId] })],
);

// ---------------------------------------------------------------- offline sync

/**
 * Every mutation a device pushed, claimed by its UUID inside the transaction that applies it:
 * a retry finds it here and gets the stored result instead of a second application.
 */
export const syncMutations = pgTable(
  'sync_mutations',
  {
    id: uuid('id').primaryKey(),
    deviceId: uuid('device_id')
      .notNull()
      .references(() => devices.id),
    seq: integer('seq').notNull(),
    name: text('name').notNull(),
    status: text('status').notNull(),
    result: jsonb('result').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('sync_mutations_device_seq_key').on(t.deviceId, t.seq),
    check('sync_mutations_status', sql`${t.status} IN ('applied', 'rejected')`),
  ],
);

/**
 * The change log devices pull from, appended by triggers (see the sync_change_log migration).
 * A position is (txid, id): pulls only read below the oldest running transaction, so a row of a
 * transaction that commits late is never behind a cursor already handed out.
 */
export const syncChanges = pgTable(
  'sync_changes',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    txid: bigint('txid', { mode: 'number' }).notNull().default(sql`(pg_current_xact_id()::text::bigint)`),
    stream: text('stream').notNull(),
    entityId: uuid('entity_id').notNull(),
    /** More entities of the stream changed by the same statement (a push's orders): one row for all. */
    entityIds: uuid('entity_ids').array(),
    /** Null for rows every site sees (a product's catalog fields, a category). */
    siteId: uuid('site_id'),
    /** The order's creator, so a vendor pulls only their own orders. */
    userId: uuid('user_id'),
    createdAt: createdAt(),
  },
  (t) => [
    index('sync_changes_position_idx').on(t.txid, t.id),
    index('sync_changes_created_idx').on(t.createdAt),
    check('sync_changes_stream', sql`${t.stream} IN ('category', 'product', 'order', 'client')`),
  ],
);

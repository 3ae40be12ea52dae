import {
  IdSchema,
  OrderSummarySchema,
  SyncClientRefSchema,
  SyncMutationArgsSchemas,
  type SyncMutationName,
  SyncOrderRefSchema,
  SyncRejectReasonSchema,
} from '@gapal/shared';
import { z } from 'zod';

const entryFields = {
  seq: z.number().int().positive(),
  id: IdSchema,
  /** The order version the phone last saw. */
  base_version: z.number().int().positive().optional(),
  client_time: z.string(),
  /**
   * - `pending`: not yet acknowledged;
   * - `acked`: applied by the server, kept until a pull brings the server's row (so the view never
   *   loses it in between);
   * - `rejected`: refused, kept with the reason for the UI until dismissed.
   */
  status: z.enum(['pending', 'acked', 'rejected']),
  /** For `acked`: the server's view of the order after it. */
  result: SyncOrderRefSchema.nullable().optional(),
  reason: SyncRejectReasonSchema.optional(),
  /** For `rejected`: the order as the server has it now. */
  current: OrderSummarySchema.nullable().optional(),
  /** For an acked `create_client`: the id the server kept (another client's when deduplicated). */
  client: SyncClientRefSchema.optional(),
};

function entryFor<N extends SyncMutationName>(name: N) {
  return z.object({ ...entryFields, name: z.literal(name), args: SyncMutationArgsSchemas[name] });
}

/**
 * A mutation waiting to reach the server, or its fate. One member per mutation name, each with
 * the shared contract's arguments, so `entry.name` tells the engine what `entry.args` holds.
 */
export const OutboxEntrySchema = z.discriminatedUnion('name', [
  entryFor('create_order'),
  entryFor('create_client'),
  entryFor('update_order'),
  entryFor('cancel_order'),
  entryFor('record_payment'),
  entryFor('set_status'),
]);
export type OutboxEntry = z.infer<typeof OutboxEntrySchema>;
export type OutboxStatus = OutboxEntry['status'];

/** A mutation name added to the contract without its outbox member fails to compile here. */
const everyNameCovered: Exclude<SyncMutationName, OutboxEntry['name']> extends never ? true : false = true;
void everyNameCovered;

/** The entries that name an order (all but `create_client`, which names a client). */
export type OrderOutboxEntry = Exclude<OutboxEntry, { name: 'create_client' }>;

export function isOrderEntry(entry: OutboxEntry): entry is OrderOutboxEntry {
  return entry.name !== 'create_client';
}

/**
 * An outbox row as read back from IndexedDB, checked before use: a row the contract no longer
 * accepts (written by an older app version, damaged storage) is reported and left out.
 */
export function parseOutboxEntry(row: unknown): OutboxEntry | undefined {
  return parseStored(OutboxEntrySchema, row, 'outbox');
}

/** Rows read back from a table, each checked with its shared schema; unreadable ones are left out. */
export function parseStoredRows<T>(schema: z.ZodType<T>, rows: readonly unknown[], table: string): T[] {
  const parsed: T[] = [];
  for (const row of rows) {
    const value = parseStored(schema, row, table);
    if (value !== undefined) parsed.push(value);
  }
  return parsed;
}

export function parseStored<T>(schema: z.ZodType<T>, row: unknown, table: string): T | undefined {
  const result = schema.safeParse(row);
  if (result.success) return result.data;
  console.warn(`gapal-sync: unreadable ${table} row left out`, result.error.issues);
  return undefined;
}

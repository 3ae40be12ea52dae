import { IdSchema, type SyncCategory, type SyncOrder, type SyncProduct } from '@gapal/shared';
import { Dexie, type EntityTable } from 'dexie';
import { z } from 'zod';
import type { StoredClient } from './clients.ts';
import { type OutboxEntry, parseStored } from './outbox.ts';
import type { StoredVoiceNote } from './voice-notes.ts';

export type { OutboxEntry } from './outbox.ts';

/** What each metadata row holds; `user_id`: the vendor the local data belongs to (owner.ts). */
type MetaValues = {
  device_id: string;
  next_seq: number;
  cursor: string;
  last_sync_at: string;
  user_id: string;
};
export type MetaKey = keyof MetaValues;
const MetaSchemas: { [K in MetaKey]: z.ZodType<MetaValues[K]> } = {
  device_id: IdSchema,
  next_seq: z.number().int().positive(),
  cursor: z.string(),
  last_sync_at: z.string(),
  user_id: IdSchema,
};
export type MetaRow = { key: MetaKey; value: unknown };

/** Synced tables hold server data only; what the phone did lives in the outbox. */
export type SyncDatabase = Dexie & {
  categories: EntityTable<SyncCategory, 'id'>;
  products: EntityTable<SyncProduct, 'id'>;
  /** Keyed by the client UUID, which a phone knows before the server answers. */
  orders: EntityTable<SyncOrder, 'local_id'>;
  outbox: EntityTable<OutboxEntry, 'seq'>;
  meta: EntityTable<MetaRow, 'key'>;
  /** Voice notes recorded on the phone, until uploaded (voice-notes.ts). */
  voiceNotes: EntityTable<StoredVoiceNote, 'id'>;
  /** The site's client directory from the pull, with search keys (clients.ts). */
  clients: EntityTable<StoredClient, 'id'>;
};

export type DexieDependencies = { indexedDB: IDBFactory; IDBKeyRange: typeof IDBKeyRange };

export function openSyncDatabase(name = 'gapal-sync', dependencies?: DexieDependencies): SyncDatabase {
  const db = new Dexie(name, dependencies) as SyncDatabase;
  db.version(1).stores({
    categories: 'id',
    products: 'id, category_id',
    orders: 'local_id, id',
    outbox: 'seq, id, status',
    meta: 'key',
  });
  // Indexes that keep screens and pruning bounded whatever the history (order-window.ts,
  // history-pruning.ts): the newest orders, closed ones by age, an order's entries, the newest
  // creations.
  db.version(2).stores({
    orders: 'local_id, id, created_at, [delivery_status+payment_status+updated_at]',
    outbox: 'seq, id, status, args.local_id, [name+seq]',
  });
  // A new table only: a phone on version 2 upgrades keeping all its data.
  db.version(3).stores({ voiceNotes: 'id, local_id, state' });
  // The client directory (#27), a new table only: filled by the next pull.
  db.version(4).stores({ clients: 'id, name_folded, phone_digits, updated_at' });
  return db;
}

/** A metadata value, checked with its schema: an unreadable one counts as missing. */
export async function readMeta<K extends MetaKey>(
  db: SyncDatabase,
  key: K,
): Promise<MetaValues[K] | undefined> {
  const row = await db.meta.get(key);
  if (row === undefined) return undefined;
  return parseStored(MetaSchemas[key], row.value, `meta ${key}`);
}

import type {
  SyncCategory,
  SyncMutationName,
  SyncOrder,
  SyncOrderRef,
  SyncProduct,
  SyncRejectReason,
} from '@gapal/shared';
import { Dexie, type EntityTable } from 'dexie';

/**
 * A mutation waiting to reach the server, or its fate:
 * - `pending`: not yet acknowledged;
 * - `acked`: applied by the server, kept until a pull brings the server's row (so the view never
 *   loses it in between);
 * - `rejected`: refused, kept with the reason for the UI until dismissed.
 */
export type OutboxEntry = {
  seq: number;
  id: string;
  name: SyncMutationName;
  args: Record<string, unknown>;
  base_version?: number;
  client_time: string;
  status: 'pending' | 'acked' | 'rejected';
  /** For `acked`: the server's view of the order after it. */
  result?: SyncOrderRef | null;
  reason?: SyncRejectReason;
  current?: unknown;
};

/** `user_id`: the vendor the local data belongs to (owner.ts). */
export type MetaKey = 'device_id' | 'next_seq' | 'cursor' | 'last_sync_at' | 'user_id';
export type MetaRow = { key: MetaKey; value: unknown };

/** Synced tables hold server data only; what the phone did lives in the outbox. */
export type SyncDatabase = Dexie & {
  categories: EntityTable<SyncCategory, 'id'>;
  products: EntityTable<SyncProduct, 'id'>;
  /** Keyed by the client UUID, which a phone knows before the server answers. */
  orders: EntityTable<SyncOrder, 'local_id'>;
  outbox: EntityTable<OutboxEntry, 'seq'>;
  meta: EntityTable<MetaRow, 'key'>;
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
  return db;
}

export async function readMeta<T>(db: SyncDatabase, key: MetaKey): Promise<T | undefined> {
  return (await db.meta.get(key))?.value as T | undefined;
}

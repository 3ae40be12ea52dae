import {
  SYNC_SCHEMA_VERSION,
  type SyncPullQuery,
  type SyncPullResponse,
  type SyncStream,
} from '@gapal/shared';
import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import type { Actor } from '../../domain/actor.ts';
import { decodeCursor, encodeCursor } from '../../lib/cursor.ts';
import { toSyncClient } from '../clients/client-dto.ts';
import { selectSyncClients } from '../clients/clients.repo.ts';
import { syncDevice } from './sync-device.ts';
import {
  currentXmin,
  type LogPosition,
  type LogStream,
  type PullScope,
  selectCategories,
  selectChanges,
  selectOrders,
  selectProducts,
} from './sync-pull.repo.ts';

/** Log rows are kept this long; a cursor older than this starts over with a full snapshot. */
export const SYNC_LOG_RETENTION_DAYS = 30;
/** A first sync carries the open orders and those that changed within this many days. */
const SNAPSHOT_ORDER_DAYS = 30;

// The cursor is opaque to phones: protocol version, log position, and when it was handed out.
const CursorSchema = z.object({
  v: z.number().int(),
  t: z.number().int().nonnegative(),
  i: z.number().int().nonnegative(),
  at: z.number().int().nonnegative(),
});
type Cursor = z.infer<typeof CursorSchema>;

function cursorAt(position: LogPosition, now: number): string {
  return encodeCursor({
    v: SYNC_SCHEMA_VERSION,
    t: position.txid,
    i: position.id,
    at: Math.floor(now / 1000),
  });
}

/**
 * Changes for a device since its cursor. No cursor, a cursor from another protocol version or one
 * older than the log's retention: a full snapshot with `reset: true`, in one answer.
 */
export async function pullChanges(
  db: Db,
  actor: Actor,
  query: SyncPullQuery,
  now = Date.now(),
): Promise<SyncPullResponse> {
  const device = await syncDevice(db, actor, query.device_id);
  const scope: PullScope = {
    siteId: device.siteId,
    ownerId: actor.role === 'vendeur' ? actor.userId : null,
  };
  const cursor: Cursor | undefined = query.cursor ? decodeCursor(query.cursor, CursorSchema) : undefined;
  const isStale =
    !cursor ||
    cursor.v !== SYNC_SCHEMA_VERSION ||
    cursor.at * 1000 < now - SYNC_LOG_RETENTION_DAYS * 86_400_000;
  if (isStale) return { ...(await snapshot(db, scope, now)), last_seq: device.lastSeq };
  return {
    ...(await changesSince(db, scope, { txid: cursor.t, id: cursor.i }, query.limit, now)),
    last_seq: device.lastSeq,
  };
}

async function snapshot(db: Db, scope: PullScope, now: number): Promise<Omit<SyncPullResponse, 'last_seq'>> {
  // One snapshot for the reads and the position: what it can't see is at or after its xmin.
  return db.transaction(
    async (tx) => {
      const xmin = await currentXmin(tx);
      const [categories, products, orders, clients] = [
        await selectCategories(tx),
        await selectProducts(tx, scope.siteId),
        await selectOrders(tx, scope, { recentDays: SNAPSHOT_ORDER_DAYS }),
        await selectSyncClients(tx, scope.siteId),
      ];
      return {
        reset: true,
        categories,
        products: products.map(({ deleted: _deleted, ...product }) => product),
        orders,
        deleted: [],
        clients: clients.map(({ client, figures }) => toSyncClient(client, figures)),
        deleted_clients: [],
        cursor: cursorAt({ txid: xmin, id: 0 }, now),
        has_more: false,
      };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

async function changesSince(
  db: Db,
  scope: PullScope,
  from: LogPosition,
  limit: number,
  now: number,
): Promise<Omit<SyncPullResponse, 'last_seq'>> {
  const { xmin, changes } = await selectChanges(db, scope, from, limit + 1);
  const hasMore = changes.length > limit;
  const page = changes.slice(0, limit);
  const last = page.at(-1);
  // Past the page's last row; once everything below xmin is read, straight to xmin.
  let next: LogPosition = last ? { txid: last.txid, id: last.id + 1 } : from;
  if (!hasMore && xmin > next.txid) next = { txid: xmin, id: 0 };

  const ids: Record<LogStream, Set<string>> = {
    category: new Set(),
    product: new Set(),
    order: new Set(),
    client: new Set(),
  };
  for (const change of page) for (const id of change.entityIds) ids[change.stream].add(id);
  const categoryIds = [...ids.category];
  const productIds = [...ids.product];
  const orderIds = [...ids.order];
  const categories = categoryIds.length > 0 ? await selectCategories(db, categoryIds) : [];
  const products = productIds.length > 0 ? await selectProducts(db, scope.siteId, productIds) : [];
  const orders = orderIds.length > 0 ? await selectOrders(db, scope, { ids: orderIds }) : [];
  // A client deactivated or merged meanwhile leaves the phone's directory.
  const clients = ids.client.size > 0 ? await selectSyncClients(db, scope.siteId, [...ids.client]) : [];
  const liveClients = clients.filter(({ client }) => client.isActive);
  const liveClientIds = new Set(liveClients.map(({ client }) => client.id));

  const deleted: SyncPullResponse['deleted'] = [];
  const found = (stream: SyncStream, present: Iterable<string>) => {
    const seen = new Set(present);
    for (const id of ids[stream]) if (!seen.has(id)) deleted.push({ stream, id });
  };
  found(
    'category',
    categories.map((category) => category.id),
  );
  found(
    'product',
    products.filter((product) => !product.deleted).map((product) => product.id),
  );
  found(
    'order',
    orders.map((order) => order.id),
  );
  return {
    reset: false,
    categories,
    products: products
      .filter((product) => !product.deleted)
      .map(({ deleted: _deleted, ...product }) => product),
    orders,
    deleted,
    clients: liveClients.map(({ client, figures }) => toSyncClient(client, figures)),
    deleted_clients: [...ids.client].filter((id) => !liveClientIds.has(id)),
    cursor: cursorAt(next, now),
    has_more: hasMore,
  };
}

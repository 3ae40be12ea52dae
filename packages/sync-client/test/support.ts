import { randomUUID } from 'node:crypto';
import type { SyncOrder } from '@gapal/shared';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { products } from '../../../apps/server/src/db/schema.ts';
import { createDevice, createUser, tokenFor } from '../../../apps/server/test/factories.ts';
import { createTestApp, type TestApp } from '../../../apps/server/test/harness.ts';
import {
  createHttpTransport,
  createSyncEngine,
  openSyncDatabase,
  type SyncDatabase,
  type SyncEngineOptions,
} from '../src/index.ts';

/** The real server, listening on a free local port, as the phone's engine reaches it (no sync rate limit). */
export async function listeningTestApp(): Promise<{ t: TestApp; baseUrl: string }> {
  const t = await createTestApp({ env: { SYNC_RATE_LIMIT_PER_MINUTE: '100000' } });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const address = t.app.server.address();
  return { t, baseUrl: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` };
}

/** A new, empty phone database of its own (a fresh in-memory IndexedDB). */
export function phoneDatabase(prefix = 'phone'): SyncDatabase {
  return openSyncDatabase(`${prefix}-${randomUUID()}`, { indexedDB: new IDBFactory(), IDBKeyRange });
}

/** A vendor with a registered phone, and an access token for that phone. */
export async function vendorWithDevice(t: TestApp) {
  const user = await createUser(t, 'vendeur');
  const device = await createDevice(t, user);
  const token = await tokenFor(t, user, device.id);
  return { user, device, token };
}

/**
 * The sync engine of a vendor's phone on `db`, against the real server at `baseUrl`, with an access
 * token a refresh gives back unchanged; `fetch`, when given, stands between the phone and the server
 * (to count, cut or change what passes). Retries wait 10 to 50 ms unless `engine` says otherwise.
 */
export function phoneEngine(options: {
  db: SyncDatabase;
  deviceId: string;
  baseUrl: string;
  token: string;
  fetch?: typeof fetch;
  engine?: Partial<SyncEngineOptions>;
}) {
  return createSyncEngine({
    db: options.db,
    deviceId: options.deviceId,
    transport: createHttpTransport({
      baseUrl: options.baseUrl,
      getAccessToken: () => options.token,
      refreshAccessToken: async () => options.token,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    }),
    backoff: { baseMs: 10, maxMs: 50 },
    events: new EventTarget(),
    ...options.engine,
  });
}

/** A product in the server's catalogue, with a name no other test uses. */
export async function catalogProduct(
  t: TestApp,
  fields: { name?: string; unit?: string; unitPrice?: number } = {},
) {
  const [row] = await t.db
    .insert(products)
    .values({
      name: `${fields.name ?? 'Lait'} ${randomUUID().slice(0, 6)}`,
      unit: fields.unit ?? 'sachet',
      unitPrice: fields.unitPrice ?? 300,
      shelfLifeDays: 5,
    })
    .returning();
  return row!;
}

/** An order as the server sends it, delivered and paid unless `fields` say otherwise, last changed at `fields.updated_at`. */
export function closedOrder(fields: Partial<SyncOrder> & Pick<SyncOrder, 'updated_at'>): SyncOrder {
  return {
    id: randomUUID(),
    local_id: randomUUID(),
    number: 'CMD-1',
    site_id: randomUUID(),
    created_by: randomUUID(),
    device_id: null,
    client_name: 'Maquis Le Baobab',
    client_phone: null,
    delivery_address: null,
    delivery_date: null,
    priority: 'moyenne',
    notes: null,
    delivery_status: 'livree',
    payment_status: 'payee',
    total_amount: 1000,
    paid_amount: 1000,
    balance: 0,
    version: 2,
    delivered_at: fields.updated_at,
    cancelled_at: null,
    created_at: fields.updated_at,
    items: [],
    ...fields,
  };
}

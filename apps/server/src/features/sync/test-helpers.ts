import { randomUUID } from 'node:crypto';
import type { Role, SyncMutation, SyncPullResponse, SyncPushResponse } from '@gapal/shared';
import { SYNC_SCHEMA_VERSION } from '@gapal/shared';
import { sql } from 'drizzle-orm';
import { createDevice, createUser, tokenFor, unique } from '../../../test/factories.ts';
import { type ApiResponse, api, type TestApp } from '../../../test/harness.ts';
import { selectRows } from '../../db/client.ts';
import { products } from '../../db/schema.ts';
import { SYNC_HORIZON } from './sync-pull.repo.ts';

// biome-ignore lint/suspicious/noExplicitAny: error bodies are checked field by field in the tests
type ErrorLike = { error?: any };

export type SyncClient = {
  user: Awaited<ReturnType<typeof createUser>>;
  deviceId: string;
  token: string;
  siteId: string;
  nextSeq: number;
};

/** A user signed in from a registered device of their site. */
export async function syncClient(
  t: TestApp,
  role: Role = 'vendeur',
  siteId = t.defaultSiteId,
): Promise<SyncClient> {
  const user = await createUser(t, role, { siteId: role === 'admin' ? null : siteId });
  const device = await createDevice(t, user, siteId);
  return { user, deviceId: device.id, token: await tokenFor(t, user, device.id), siteId, nextSeq: 1 };
}

export async function catalogProduct(
  t: TestApp,
  values: Partial<typeof products.$inferInsert> = {},
): Promise<{ id: string; unitPrice: number }> {
  const [row] = await t.db
    .insert(products)
    .values({ name: unique('Lait '), unit: 'sachet', unitPrice: 300, shelfLifeDays: 10, ...values })
    .returning();
  return { id: row!.id, unitPrice: row!.unitPrice };
}

/** A mutation with the client's next sequence number. */
export function mutation(
  client: SyncClient,
  name: string,
  args: unknown,
  extra: Partial<SyncMutation> = {},
): SyncMutation {
  const seq = client.nextSeq;
  client.nextSeq += 1;
  return { id: randomUUID(), seq, name, args, client_time: new Date().toISOString(), ...extra };
}

export function createArgs(productIds: string[], overrides: Record<string, unknown> = {}) {
  return {
    local_id: randomUUID(),
    client_name: 'Mariam Sawadogo',
    client_phone: '70 11 22 33',
    items: productIds.map((id, index) => ({ product_id: id, quantity: index + 2 })),
    ...overrides,
  };
}

export async function push(
  t: TestApp,
  client: SyncClient,
  mutations: SyncMutation[],
  options: { url?: string; body?: unknown; token?: string } = {},
): Promise<ApiResponse<SyncPushResponse & ErrorLike>> {
  return api<SyncPushResponse & ErrorLike>(t, 'POST', options.url ?? '/api/sync/push/', {
    token: options.token ?? client.token,
    body: options.body ?? { device_id: client.deviceId, schema_version: SYNC_SCHEMA_VERSION, mutations },
  });
}

export async function pull(
  t: TestApp,
  client: SyncClient,
  cursor?: string,
  limit?: number,
): Promise<ApiResponse<SyncPullResponse & ErrorLike>> {
  const params = new URLSearchParams();
  if (cursor) params.set('cursor', cursor);
  if (limit) params.set('limit', String(limit));
  return api<SyncPullResponse & ErrorLike>(t, 'GET', `/api/sync/pull/?${params}`, { token: client.token });
}

/**
 * Pulls until `has_more` is false and nothing committed is still behind the horizon, returning
 * every page. Transaction ids are cluster-wide: on a shared PostgreSQL, an open writer of another
 * database (another test file) holds the horizon back for a moment; PGlite never waits.
 */
export async function pullAll(
  t: TestApp,
  client: SyncClient,
  cursor?: string,
  limit?: number,
  options: { wait?: boolean } = {},
) {
  const pages: SyncPullResponse[] = [];
  let next = cursor;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const [row] = await selectRows<{ behind: boolean }>(
      t.db,
      sql`SELECT EXISTS (SELECT 1 FROM sync_changes
            WHERE txid >= ${SYNC_HORIZON}) AS behind`,
    );
    for (;;) {
      const response = await pull(t, client, next, limit);
      if (response.status !== 200)
        throw new Error(`pull failed: ${response.status} ${JSON.stringify(response.body)}`);
      pages.push(response.body);
      next = response.body.cursor;
      if (!response.body.has_more) break;
    }
    if (options.wait === false || !row!.behind || Date.now() > deadline) return { pages, cursor: next };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

import { PERMISSIONS, ROLES, type Role, SyncMutationArgsSchemas } from '@gapal/shared';
import { z } from 'zod';
import { lots } from '../../src/db/schema.ts';
import { createOrderAs, createProduct, receiveStock } from '../../src/features/orders/test-helpers.ts';
import { createDevice, createSite, createUser, signedInUser, tokenFor, unique } from '../factories.ts';
import { api, type TestApp } from '../harness.ts';
import type { JsonSchema, Operation } from './openapi-operations.ts';
import type { ValueContext } from './valid-values.ts';

/** Rows the generated ids name, by kind, so requests reach past "not found" into the services. */
export type Fixtures = Record<
  'sites' | 'products' | 'categories' | 'lots' | 'orders' | 'localIds' | 'items' | 'users',
  string[]
>;

export async function createFixtures(t: TestApp): Promise<Fixtures> {
  const otherSite = await createSite(t);
  const stockManager = await signedInUser(t, 'gestionnaire_stocks');
  const vendor = await signedInUser(t, 'vendeur');
  const admin = await signedInUser(t, 'admin');
  const product = await createProduct(t);
  await receiveStock(t, stockManager.token, [{ product_id: product.id, quantity: 50 }]);
  const order = await createOrderAs(t, vendor.token, [product.id]);
  const [lot] = await t.db.select({ id: lots.id }).from(lots).limit(1);
  const category = await api(t, 'POST', '/api/categories/', {
    token: admin.token,
    body: { name: unique('Fromages ') },
  });
  return {
    sites: [t.defaultSiteId, otherSite.id],
    products: [product.id],
    categories: category.body?.id ? [category.body.id] : [],
    lots: lot ? [lot.id] : [],
    orders: [order.id],
    localIds: [order.local_id],
    items: (order.items ?? []).map((item: { id?: string }) => item.id).filter(Boolean),
    users: [vendor.user.id],
  };
}

export type Actors = { tokens: string[]; userIds: string[]; deviceIds: string[] };

/** Fresh users (with a device each) of every role the operation allows: requests may revoke them. */
export async function actorsFor(t: TestApp, operation: Operation): Promise<Actors> {
  const template = trimSlash(operation.path.replace(/\{([^}]+)\}/g, ':$1'));
  const rule = t.app.routeRules.find(
    (candidate) => candidate.method === operation.method && trimSlash(candidate.url) === template,
  );
  const roles: readonly Role[] =
    !rule || rule.access === 'public' || rule.access === 'authenticated'
      ? ROLES
      : (PERMISSIONS[rule.access] as readonly Role[]);
  const actors: Actors = { tokens: [], userIds: [], deviceIds: [] };
  for (const role of roles) {
    const user = await createUser(t, role);
    const device = await createDevice(t, user);
    actors.tokens.push(await tokenFor(t, user, device.id));
    actors.userIds.push(user.id);
    actors.deviceIds.push(device.id);
  }
  return actors;
}

/** The sync mutations' `args` schemas, which the document leaves open (`args: {}`). */
export function mutationArgsSchemas(): Record<string, JsonSchema> {
  return Object.fromEntries(
    Object.entries(SyncMutationArgsSchemas).map(([name, schema]) => [
      name,
      z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input' }) as JsonSchema,
    ]),
  );
}

/** What the generators may name for this operation: each field's fitting ids, and all of them. */
export function valueContext(
  operation: Operation,
  fixtures: Fixtures,
  actors: Actors,
  mutationArgs: Record<string, JsonSchema>,
): ValueContext {
  const users = [...fixtures.users, ...actors.userIds];
  const byResource: [string, string[]][] = [
    ['/api/users', users],
    ['/api/sites', fixtures.sites],
    ['/api/devices', actors.deviceIds],
    ['/api/products', fixtures.products],
    ['/api/categories', fixtures.categories],
    ['/api/orders', fixtures.orders],
  ];
  const idsByField: Record<string, string[]> = {
    id: byResource.find(([prefix]) => operation.path.startsWith(prefix))?.[1] ?? [],
    site_id: fixtures.sites,
    product_id: fixtures.products,
    category_id: fixtures.categories,
    lot_id: fixtures.lots,
    order_id: fixtures.orders,
    local_id: fixtures.localIds,
    item_id: fixtures.items,
    user_id: users,
    created_by: users,
    device_id: actors.deviceIds,
  };
  return {
    knownIds: Object.values(fixtures).flat().concat(actors.userIds, actors.deviceIds),
    idsByField,
    mutationArgs,
  };
}

function trimSlash(url: string): string {
  return url.length > 1 ? url.replace(/\/+$/, '') : url;
}

import { randomUUID } from 'node:crypto';
import type { SyncPullResponse } from '@gapal/shared';
import { count, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSite, signedInUser, unique } from '../../../test/factories.ts';
import { api, useTestApp } from '../../../test/harness.ts';
import { clients, orders } from '../../db/schema.ts';
import {
  catalogProduct,
  createArgs,
  mutation,
  pull,
  pullAll,
  push,
  type SyncClient,
  syncClient,
} from '../sync/test-helpers.ts';

/** The directory on the phones: the pull, the create_client mutation, orders naming a client. */
describe('clients on the phones and on orders', () => {
  const t = useTestApp();
  let site: { id: string };
  let otherSite: { id: string };
  let vendor: SyncClient;
  let manager: string;
  let admin: string;
  let productId: string;
  let phoneCounter = 0;

  beforeAll(async () => {
    site = await createSite(t);
    otherSite = await createSite(t);
    vendor = await syncClient(t, 'vendeur', site.id);
    manager = (await signedInUser(t, 'gestionnaire_commandes', { siteId: site.id })).token;
    admin = (await signedInUser(t, 'admin')).token;
    productId = (await catalogProduct(t, { unitPrice: 500 })).id;
  });

  function freshPhone(): string {
    phoneCounter += 1;
    return `+2266${String(process.pid % 1000).padStart(3, '0')}${String(phoneCounter).padStart(4, '0')}`;
  }

  async function createClient(token: string, body: Record<string, unknown>) {
    const response = await api(t, 'POST', '/api/clients/', { token, body });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body as { id: string; name: string; phone: string | null };
  }

  async function clientCount(): Promise<number> {
    const [row] = await t.db.select({ n: count() }).from(clients);
    return Number(row!.n);
  }

  const clientIds = (page: SyncPullResponse) => (page.clients ?? []).map((client) => client.id);

  describe('pull', () => {
    it('a first sync carries the site’s active clients with their balance, no other site’s', async () => {
      const mine = await createClient(manager, {
        name: unique('Maquis '),
        phone: freshPhone(),
        kind: 'maquis',
      });
      const off = await createClient(manager, { name: unique('Parti ') });
      await api(t, 'POST', `/api/clients/${off.id}/deactivate/`, { token: manager, body: {} });
      const theirs = await createClient(admin, { name: unique('Ailleurs '), site_id: otherSite.id });
      const order = await api(t, 'POST', '/api/orders/', {
        token: manager,
        body: { ...createArgs([productId]), client_name: mine.name, client_id: mine.id },
      });
      expect(order.status).toBe(201);

      const response = await pull(t, vendor);
      expect(response.status).toBe(200);
      expect(response.body.reset).toBe(true);
      const synced = response.body.clients!.find((client) => client.id === mine.id);
      expect(synced).toMatchObject({
        name: mine.name,
        phone: mine.phone,
        kind: 'maquis',
        balance: order.body.total_amount,
        last_order_at: order.body.created_at,
      });
      expect(clientIds(response.body)).not.toContain(off.id);
      expect(clientIds(response.body)).not.toContain(theirs.id);
      expect(response.body.deleted_clients).toEqual([]);
    });

    it('then sends new and changed clients, their new balance, and removals when deactivated or merged', async () => {
      const start = await pullAll(t, vendor);
      const kept = await createClient(manager, { name: unique('Gardé ') });
      const duplicate = await createClient(manager, { name: unique('Doublon ') });
      const leaving = await createClient(manager, { name: unique('Partant ') });
      const theirs = await createClient(admin, { name: unique('Ailleurs '), site_id: otherSite.id });
      const added = await pullAll(t, vendor, start.cursor);
      const addedIds = added.pages.flatMap(clientIds);
      expect(addedIds).toEqual(expect.arrayContaining([kept.id, duplicate.id, leaving.id]));
      expect(addedIds).not.toContain(theirs.id);

      const order = await api(t, 'POST', '/api/orders/', {
        token: manager,
        body: { ...createArgs([productId]), client_name: duplicate.name, client_id: duplicate.id },
      });
      await api(t, 'PATCH', `/api/orders/${order.body.id}/payment/`, {
        token: manager,
        body: { amount: 400, method: 'especes' },
      });
      await api(t, 'POST', `/api/clients/${leaving.id}/deactivate/`, { token: manager, body: {} });
      const merged = await api(t, 'POST', '/api/clients/merge/', {
        token: admin,
        body: { kept_id: kept.id, merged_id: duplicate.id },
      });
      expect(merged.status).toBe(200);

      const changed = await pullAll(t, vendor, added.cursor);
      const last = changed.pages.flatMap((page) => page.clients ?? []);
      const keptNow = last.filter((client) => client.id === kept.id).at(-1);
      expect(keptNow?.balance).toBe(order.body.total_amount - 400);
      const removed = changed.pages.flatMap((page) => page.deleted_clients ?? []);
      expect(removed).toEqual(expect.arrayContaining([leaving.id, duplicate.id]));
      expect(last.map((client) => client.id)).not.toContain(duplicate.id);
    });
  });

  describe('create_client mutation', () => {
    it('creates the phone’s client under its UUID; a replay is a duplicate with the same answer', async () => {
      const id = randomUUID();
      const args = { id, name: unique('Boutique '), phone: '76 55 44 33', kind: 'boutique' };
      const first = mutation(vendor, 'create_client', args);
      const response = await push(t, vendor, [first]);
      expect(response.status).toBe(200);
      expect(response.body.results[0]).toMatchObject({
        status: 'applied',
        client: { requested_id: id, id, version: 1 },
      });
      const [row] = await t.db.select().from(clients).where(eq(clients.id, id));
      expect(row).toMatchObject({ phone: '+22676554433', siteId: site.id, deviceId: vendor.deviceId });
      const again = await push(t, vendor, [first]);
      expect(again.body.results[0]).toMatchObject({ status: 'duplicate', client: { id } });
    });

    it('a phone another client of the site has: applied, naming that client; later orders under the phone’s id go to it', async () => {
      const existing = await createClient(manager, { name: 'Chez Adèle', phone: freshPhone() });
      const phoneId = randomUUID();
      const response = await push(t, vendor, [
        mutation(vendor, 'create_client', { id: phoneId, name: 'chez adele', phone: existing.phone }),
      ]);
      expect(response.body.results[0]).toMatchObject({
        status: 'applied',
        client: { requested_id: phoneId, id: existing.id },
      });
      const [alias] = await t.db.select().from(clients).where(eq(clients.id, phoneId));
      expect(alias).toMatchObject({ isActive: false, mergedIntoId: existing.id });

      const order = createArgs([productId], { client_name: 'chez adele', client_id: phoneId });
      const created = await push(t, vendor, [mutation(vendor, 'create_order', order)]);
      expect(created.body.results[0]!.status, JSON.stringify(created.body)).toBe('applied');
      const [row] = await t.db.select().from(orders).where(eq(orders.localId, order.local_id));
      expect(row).toMatchObject({ clientId: existing.id, clientName: 'chez adele' });
    });

    it('the same id with other content is rejected (client_id_taken) and changes nothing; the queue moves on', async () => {
      const id = randomUUID();
      await push(t, vendor, [mutation(vendor, 'create_client', { id, name: unique('Premier ') })]);
      const before = await clientCount();
      const response = await push(t, vendor, [
        mutation(vendor, 'create_client', { id, name: 'Quelqu’un d’autre' }),
        mutation(vendor, 'create_order', createArgs([productId])),
      ]);
      expect(response.body.results.map((result) => result.status)).toEqual(['rejected', 'applied']);
      expect(response.body.results[0]!.reason).toMatchObject({ code: 'client_id_taken' });
      expect(await clientCount()).toBe(before);
    });

    it('bad arguments are rejected with the field named', async () => {
      const response = await push(t, vendor, [
        mutation(vendor, 'create_client', { id: randomUUID(), name: 'X', phone: '12' }),
        mutation(vendor, 'create_client', { name: 'Sans identifiant' }),
        mutation(vendor, 'create_client', { id: randomUUID(), name: 'X\u0000' }),
      ]);
      expect(response.body.results.map((result) => result.status)).toEqual([
        'rejected',
        'rejected',
        'rejected',
      ]);
      const fields = response.body.results.map(
        (result) => (result.reason!.details as { fields: { field: string }[] }).fields[0]!.field,
      );
      expect(fields).toEqual(['args.phone', 'args.id', 'args.name']);
    });
  });

  describe('orders naming a client', () => {
    it('REST: an order for a client keeps the snapshot; list and detail carry client_id', async () => {
      const client = await createClient(manager, { name: unique('Revendeur '), phone: freshPhone() });
      const response = await api(t, 'POST', '/api/orders/', {
        token: manager,
        body: {
          ...createArgs([productId]),
          client_name: 'Nom tapé',
          client_phone: null,
          client_id: client.id,
        },
      });
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({
        client_id: client.id,
        client_name: 'Nom tapé',
        client_phone: null,
      });
      const listed = await api(t, 'GET', `/api/orders/?search=${encodeURIComponent('Nom tapé')}`, {
        token: manager,
      });
      expect(listed.body.items.find((item: { id: string }) => item.id === response.body.id)?.client_id).toBe(
        client.id,
      );
    });

    it('REST: a new client inline is created with the order, or the site’s client with that phone is used', async () => {
      const phone = freshPhone();
      const newId = randomUUID();
      const first = await api(t, 'POST', '/api/orders/', {
        token: manager,
        body: { ...createArgs([productId]), new_client: { id: newId, name: 'Nouvelle Boutique', phone } },
      });
      expect(first.status).toBe(201);
      expect(first.body.client_id).toBe(newId);
      const second = await api(t, 'POST', '/api/orders/', {
        token: manager,
        body: { ...createArgs([productId]), new_client: { id: randomUUID(), name: 'Même numéro', phone } },
      });
      expect(second.body.client_id).toBe(newId);
    });

    it('REST: an unknown, inactive or other site’s client, or both fields, is a 400 that writes nothing', async () => {
      const off = await createClient(manager, { name: unique('Inactif ') });
      await api(t, 'POST', `/api/clients/${off.id}/deactivate/`, { token: manager, body: {} });
      const theirs = await createClient(admin, { name: unique('Ailleurs '), site_id: otherSite.id });
      const [before] = await t.db.select({ n: count() }).from(orders);
      for (const body of [
        { client_id: randomUUID() },
        { client_id: off.id },
        { client_id: theirs.id },
        { client_id: off.id, new_client: { id: randomUUID(), name: 'X' } },
      ]) {
        const response = await api(t, 'POST', '/api/orders/', {
          token: manager,
          body: { ...createArgs([productId]), ...body },
        });
        expect(response.status, JSON.stringify(body)).toBe(400);
        expect(response.body.error.details.fields[0]).toMatchObject({ field: 'client_id' });
      }
      const [after] = await t.db.select({ n: count() }).from(orders);
      expect(after!.n).toBe(before!.n);
    });

    it('REST: an order still new moves to another client', async () => {
      const a = await createClient(manager, { name: unique('A ') });
      const b = await createClient(manager, { name: unique('B ') });
      const order = await api(t, 'POST', '/api/orders/', {
        token: manager,
        body: { ...createArgs([productId]), client_id: a.id },
      });
      const moved = await api(t, 'PUT', `/api/orders/${order.body.id}/`, {
        token: manager,
        body: { client_id: b.id, client_name: b.name },
      });
      expect(moved.status).toBe(200);
      expect(moved.body).toMatchObject({ client_id: b.id, client_name: b.name });
    });

    it('sync: orders naming directory clients go in one statement, each naming its client (a merged one’s survivor), which comes down again with its balance', async () => {
      const direct = await createClient(manager, { name: unique('Direct '), phone: freshPhone() });
      const kept = await createClient(manager, { name: unique('Gardé ') });
      const alias = await createClient(manager, { name: unique('Alias ') });
      const merged = await api(t, 'POST', '/api/clients/merge/', {
        token: admin,
        body: { kept_id: kept.id, merged_id: alias.id },
      });
      expect(merged.status).toBe(200);
      const start = await pullAll(t, vendor);

      const run = [
        createArgs([productId], { client_id: direct.id }),
        createArgs([productId], { client_id: alias.id }),
        createArgs([productId]),
      ];
      const response = await push(
        t,
        vendor,
        run.map((args) => mutation(vendor, 'create_order', args)),
      );
      expect(response.body.results.map((result) => result.status)).toEqual(['applied', 'applied', 'applied']);
      const named = async (localId: string) =>
        (await t.db.select().from(orders).where(eq(orders.localId, localId)))[0]!.clientId;
      expect(await named(run[0]!.local_id)).toBe(direct.id);
      expect(await named(run[1]!.local_id)).toBe(kept.id);
      expect(await named(run[2]!.local_id)).toBeNull();

      // The one-statement path: the run's orders notified together (the general path notifies each).
      const notices = await api(t, 'GET', '/api/notifications/?limit=100', { token: manager });
      expect(
        notices.body.items.filter(
          (item: { kind: string; params: { first_number?: string } }) =>
            item.kind === 'commande_lot' &&
            item.params.first_number === response.body.results[0]!.order!.number,
        ),
      ).toHaveLength(1);
      // Its audit row names the survivor, as the REST creation's does.
      const audit = await api(
        t,
        'GET',
        `/api/audit/?entity=order&entity_id=${response.body.results[1]!.order!.id}`,
        {
          token: admin,
        },
      );
      expect(audit.body.items[0]?.after).toMatchObject({ clientId: kept.id });

      const next = await pullAll(t, vendor, start.cursor);
      const balances = new Map(
        next.pages.flatMap((page) => page.clients ?? []).map((c) => [c.id, c.balance]),
      );
      expect(balances.get(direct.id)).toBe(response.body.results[0]!.order!.total_amount);
      expect(balances.get(kept.id)).toBe(response.body.results[1]!.order!.total_amount);
    });

    it('sync: a run naming another site’s client goes one order at a time, and only that order is rejected', async () => {
      const direct = await createClient(manager, { name: unique('Direct '), phone: freshPhone() });
      const theirs = await createClient(admin, { name: unique('Ailleurs '), site_id: otherSite.id });
      const run = [
        createArgs([productId], { client_id: direct.id }),
        createArgs([productId], { client_id: theirs.id }),
        createArgs([productId], { client_id: direct.id }),
      ];
      const response = await push(
        t,
        vendor,
        run.map((args) => mutation(vendor, 'create_order', args)),
      );
      expect(response.body.results.map((result) => result.status)).toEqual([
        'applied',
        'rejected',
        'applied',
      ]);
      expect(response.body.results[1]!.reason).toMatchObject({ code: 'validation_error' });
      const [row] = await t.db.select().from(orders).where(eq(orders.localId, run[2]!.local_id));
      expect(row!.clientId).toBe(direct.id);
    });

    it('sync: an order naming a deactivated client is rejected alone; one with a new client inline is applied', async () => {
      const off = await createClient(manager, { name: unique('Inactif ') });
      await api(t, 'POST', `/api/clients/${off.id}/deactivate/`, { token: manager, body: {} });
      const newId = randomUUID();
      const inline = createArgs([productId], { new_client: { id: newId, name: 'Kiosque du marché' } });
      const response = await push(t, vendor, [
        mutation(vendor, 'create_order', createArgs([productId], { client_id: off.id })),
        mutation(vendor, 'create_order', inline),
      ]);
      expect(response.body.results.map((result) => result.status)).toEqual(['rejected', 'applied']);
      expect(response.body.results[0]!.reason).toMatchObject({ code: 'validation_error' });
      const [row] = await t.db.select().from(orders).where(eq(orders.localId, inline.local_id));
      expect(row!.clientId).toBe(newId);
    });
  });
});

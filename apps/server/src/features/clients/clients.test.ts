import { randomUUID } from 'node:crypto';
import { and, count, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSite, letterTag, signedInUser, unique } from '../../../test/factories.ts';
import { type ApiResponse, api, useTestApp } from '../../../test/harness.ts';
import { auditLog, clients, orders } from '../../db/schema.ts';
import { createOrderAs, createProduct } from '../orders/test-helpers.ts';

describe('client directory (REST)', () => {
  const t = useTestApp();
  let site: { id: string };
  let otherSite: { id: string };
  let admin: string;
  let manager: string;
  let vendor: string;
  let stockManager: string;
  let otherManager: string;
  let productId: string;

  beforeAll(async () => {
    site = await createSite(t);
    otherSite = await createSite(t);
    admin = (await signedInUser(t, 'admin')).token;
    manager = (await signedInUser(t, 'gestionnaire_commandes', { siteId: site.id })).token;
    vendor = (await signedInUser(t, 'vendeur', { siteId: site.id })).token;
    stockManager = (await signedInUser(t, 'gestionnaire_stocks', { siteId: site.id })).token;
    otherManager = (await signedInUser(t, 'gestionnaire_commandes', { siteId: otherSite.id })).token;
    productId = (await createProduct(t, { unitPrice: 1000 })).id;
  });

  /** A number no other test of the file uses: 8 local digits. */
  let phoneCounter = 0;
  function freshPhone(): string {
    phoneCounter += 1;
    const digits = `7${String(process.pid % 1000).padStart(3, '0')}${String(phoneCounter).padStart(4, '0')}`;
    return `${digits.slice(0, 2)} ${digits.slice(2, 4)} ${digits.slice(4, 6)} ${digits.slice(6)}`;
  }

  async function create(token: string, body: Record<string, unknown>) {
    return api(t, 'POST', '/api/clients/', { token, body });
  }

  async function clientCount(): Promise<number> {
    const [row] = await t.db.select({ n: count() }).from(clients);
    return Number(row!.n);
  }

  /** An order of the client's site attached to it, optionally paid in part. */
  async function orderFor(clientId: string, token: string, quantity: number, paid = 0) {
    const order = await createOrderAs(t, token, [productId], {
      items: [{ product_id: productId, quantity }],
    });
    await t.db.update(orders).set({ clientId }).where(eq(orders.id, order.id));
    if (paid > 0) {
      const payment = await api(t, 'PATCH', `/api/orders/${order.id}/payment/`, {
        token: manager,
        body: { amount: paid, method: 'especes' },
      });
      expect(payment.status).toBe(200);
    }
    return order as { id: string; number: string; total_amount: number };
  }

  describe('create', () => {
    it('a vendor adds a client to their site; the phone is stored as +226…', async () => {
      const response = await create(vendor, {
        name: '  Maquis Chez Adèle ',
        phone: '70 12 34 56',
        kind: 'maquis',
        area: 'Secteur 5',
        credit_limit: 50_000,
      });
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({
        name: 'Maquis Chez Adèle',
        phone: '+22670123456',
        kind: 'maquis',
        area: 'Secteur 5',
        credit_limit: 50_000,
        site_id: site.id,
        is_active: true,
        merged_into_id: null,
        version: 1,
      });
      expect(response.body.created_by_name).toBeTruthy();
      const [audit] = await t.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.entityId, response.body.id), eq(auditLog.action, 'client.create')));
      expect(audit).toBeDefined();
    });

    it('a phone another client of the site has is 409 client_phone_taken naming it; nothing written', async () => {
      const phone = freshPhone();
      const first = await create(manager, { name: 'Boutique Awa', phone });
      const before = await clientCount();
      const again = await create(vendor, { name: 'Awa boutique', phone: `+226${phone.replace(/ /g, '')}` });
      expect(again.status).toBe(409);
      expect(again.body.error).toMatchObject({
        code: 'client_phone_taken',
        details: { client: { id: first.body.id, name: 'Boutique Awa' } },
      });
      expect(await clientCount()).toBe(before);
      // The same phone at another site is another client.
      const elsewhere = await create(otherManager, { name: 'Boutique Awa', phone });
      expect(elsewhere.status).toBe(201);
    });

    it('a phone-made id sent again: same content 200, other content 409 client_id_taken', async () => {
      const id = randomUUID();
      const body = { id, name: unique('Revendeur '), phone: freshPhone(), kind: 'revendeur' };
      expect((await create(vendor, body)).status).toBe(201);
      const replay = await create(vendor, body);
      expect(replay.status).toBe(200);
      expect(replay.body.id).toBe(id);
      const other = await create(vendor, { ...body, name: 'Quelqu’un d’autre' });
      expect(other.status).toBe(409);
      expect(other.body.error.code).toBe('client_id_taken');
      const [row] = await t.db.select().from(clients).where(eq(clients.id, id));
      expect(row!.name).toBe(body.name);
    });

    it('bad input is a 400 naming the field, and writes nothing', async () => {
      const before = await clientCount();
      for (const body of [
        { name: 'A', phone: '12 34' },
        { name: '' },
        { name: 'A', kind: 'grossiste' },
        { name: 'A', credit_limit: -5 },
        { name: 'A', colour: 'bleu' },
        { name: 'A\u0000B' },
      ]) {
        const response = await create(manager, body);
        expect(response.status, JSON.stringify(body)).toBe(400);
        expect(response.body.error.code).toBe('validation_error');
      }
      expect(await clientCount()).toBe(before);
    });

    it('a stock manager may not add clients; a vendor may not name another site', async () => {
      expect((await create(stockManager, { name: 'X' })).status).toBe(403);
      expect((await create(vendor, { name: 'X', site_id: otherSite.id })).status).toBe(404);
      const forSite = await create(admin, { name: unique('Admin client '), site_id: otherSite.id });
      expect(forSite.status).toBe(201);
      expect(forSite.body.site_id).toBe(otherSite.id);
    });
  });

  describe('list and detail', () => {
    it('searches names and phones with accents and case ignored', async () => {
      const tag = letterTag();
      const adele = await create(manager, { name: `Maquis Chez Adèle ${tag}`, phone: freshPhone() });
      await create(manager, { name: `Boutique Ouédraogo ${tag}` });
      const byName = await api(t, 'GET', `/api/clients/?search=${encodeURIComponent(`chez ADELE ${tag}`)}`, {
        token: vendor,
      });
      expect(byName.status).toBe(200);
      expect(byName.body.items.map((item: { id: string }) => item.id)).toEqual([adele.body.id]);
      const digits = adele.body.phone.slice(-6);
      const byPhone = await api(t, 'GET', `/api/clients/?search=${digits.slice(0, 2)}%20${digits.slice(2)}`, {
        token: vendor,
      });
      expect(byPhone.body.items.map((item: { id: string }) => item.id)).toContain(adele.body.id);
      // A name with digits is a name: those digits in a phone don't make a match.
      const named = await api(t, 'GET', `/api/clients/?search=${encodeURIComponent(`${tag} ${digits}`)}`, {
        token: vendor,
      });
      expect(named.body.items).toEqual([]);
      const accented = await api(t, 'GET', `/api/clients/?search=${encodeURIComponent(`OUEDRAOGO ${tag}`)}`, {
        token: vendor,
      });
      expect(accented.body.items).toHaveLength(1);
    });

    it('pages by name without losing or repeating anyone, filtered by kind', async () => {
      const tag = letterTag();
      const names = ['Céline', 'alice', 'Bintou', 'Éric', 'david'].map((name) => `${tag} ${name}`);
      for (const name of names) await create(manager, { name, kind: 'particulier' });
      await create(manager, { name: `${tag} Zongo`, kind: 'boutique' });
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `/api/clients/?kind=particulier&limit=2&search=${encodeURIComponent(tag)}${cursor ? `&cursor=${cursor}` : ''}`;
        const page: ApiResponse = await api(t, 'GET', url, { token: manager });
        expect(page.status).toBe(200);
        seen.push(...page.body.items.map((item: { name: string }) => item.name));
        cursor = page.body.next_cursor;
      } while (cursor);
      expect(seen).toEqual(['alice', 'Bintou', 'Céline', 'david', 'Éric'].map((name) => `${tag} ${name}`));
      const forged = await api(t, 'GET', '/api/clients/?cursor=bm90LWpzb24', { token: manager });
      expect(forged.status).toBe(400);
      const otherSort = await api(
        t,
        'GET',
        `/api/clients/?sort=last_order_at&cursor=${encodeURIComponent(
          Buffer.from(
            JSON.stringify({ sort: 'name', direction: 'asc', key: 'a', id: randomUUID() }),
          ).toString('base64url'),
        )}`,
        { token: manager },
      );
      expect(otherSort.status).toBe(400);
    });

    it('shows the balance over orders not cancelled, the last order, the orders and payments', async () => {
      const client = (await create(manager, { name: `Solde ${letterTag()}`, phone: freshPhone() })).body;
      const first = await orderFor(client.id, vendor, 3, 1000); // 3 000, 1 000 paid
      const second = await orderFor(client.id, vendor, 2); // 2 000
      const cancelled = await orderFor(client.id, vendor, 7); // 7 000, cancelled
      const cancel = await api(t, 'PATCH', `/api/orders/${cancelled.id}/status/`, {
        token: manager,
        body: { status: 'annulee' },
      });
      expect(cancel.status).toBe(200);
      const detail = await api(t, 'GET', `/api/clients/${client.id}/`, { token: vendor });
      expect(detail.status).toBe(200);
      expect(detail.body).toMatchObject({
        balance: 4000,
        total_amount: 5000,
        paid_amount: 1000,
        order_count: 2,
      });
      expect(detail.body.orders.map((order: { id: string }) => order.id)).toEqual([
        cancelled.id,
        second.id,
        first.id,
      ]);
      expect(detail.body.payments).toHaveLength(1);
      expect(detail.body.payments[0]).toMatchObject({
        order_id: first.id,
        amount: 1000,
        method: 'especes',
        kind: 'paiement',
      });
      expect(detail.body.last_order_at).toBe(detail.body.orders[0].created_at);

      const listed = await api(t, 'GET', `/api/clients/?search=${encodeURIComponent(client.name)}`, {
        token: manager,
      });
      expect(listed.body.items[0]).toMatchObject({ id: client.id, balance: 4000, order_count: 2 });
      const [sum] = await t.db
        .select({ balance: sql<number>`sum(total_amount - paid_amount)::int` })
        .from(orders)
        .where(and(eq(orders.clientId, client.id), sql`delivery_status <> 'annulee'`));
      expect(listed.body.items[0].balance).toBe(sum!.balance);
    });

    it('sorts by last order, newest first, never-ordered last', async () => {
      const tag = letterTag();
      const never = (await create(manager, { name: `${tag} jamais` })).body;
      const old = (await create(manager, { name: `${tag} ancien` })).body;
      const recent = (await create(manager, { name: `${tag} récent` })).body;
      await orderFor(old.id, vendor, 1);
      await orderFor(recent.id, vendor, 1);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `/api/clients/?sort=last_order_at&limit=1&search=${encodeURIComponent(tag)}${cursor ? `&cursor=${cursor}` : ''}`;
        const page: ApiResponse = await api(t, 'GET', url, { token: manager });
        expect(page.status).toBe(200);
        seen.push(...page.body.items.map((item: { id: string }) => item.id));
        cursor = page.body.next_cursor;
      } while (cursor);
      expect(seen).toEqual([recent.id, old.id, never.id]);
    });

    it('another site’s client is 404 for its managers and vendors, visible to the admin', async () => {
      const theirs = (await create(otherManager, { name: `Ailleurs ${letterTag()}` })).body;
      expect((await api(t, 'GET', `/api/clients/${theirs.id}/`, { token: manager })).status).toBe(404);
      expect((await api(t, 'GET', `/api/clients/${theirs.id}/`, { token: vendor })).status).toBe(404);
      expect((await api(t, 'GET', `/api/clients/${theirs.id}/`, { token: admin })).status).toBe(200);
      const listed = await api(t, 'GET', `/api/clients/?search=${encodeURIComponent(theirs.name)}`, {
        token: manager,
      });
      expect(listed.body.items).toEqual([]);
      expect((await api(t, 'GET', `/api/clients/?site_id=${otherSite.id}`, { token: manager })).status).toBe(
        404,
      );
      expect(
        (await api(t, 'GET', `/api/clients/${randomUUID()}/`, { token: admin })).body.error,
      ).toMatchObject({
        code: 'not_found',
        details: { resource: 'client' },
      });
    });
  });

  describe('update and deactivate', () => {
    it('changes the fields given; a stale version is 409 and changes nothing', async () => {
      const client = (await create(manager, { name: unique('Modifiable '), notes: 'Livrer le matin' })).body;
      const updated = await api(t, 'PUT', `/api/clients/${client.id}/`, {
        token: manager,
        body: { area: 'Palogo', phone: freshPhone(), version: 1 },
      });
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({ area: 'Palogo', notes: 'Livrer le matin', version: 2 });
      const stale = await api(t, 'PUT', `/api/clients/${client.id}/`, {
        token: manager,
        body: { name: 'Trop tard', version: 1 },
      });
      expect(stale.status).toBe(409);
      expect(stale.body.error.code).toBe('version_conflict');
      const [row] = await t.db.select().from(clients).where(eq(clients.id, client.id));
      expect(row).toMatchObject({ name: client.name, version: 2 });
    });

    it('taking another client’s phone is 409 client_phone_taken; vendors may not edit', async () => {
      const holder = (await create(manager, { name: unique('Titulaire '), phone: freshPhone() })).body;
      const other = (await create(manager, { name: unique('Autre ') })).body;
      const taken = await api(t, 'PUT', `/api/clients/${other.id}/`, {
        token: manager,
        body: { phone: holder.phone },
      });
      expect(taken.status).toBe(409);
      expect(taken.body.error).toMatchObject({
        code: 'client_phone_taken',
        details: { client: { id: holder.id } },
      });
      const byVendor = await api(t, 'PUT', `/api/clients/${other.id}/`, {
        token: vendor,
        body: { notes: 'x' },
      });
      expect(byVendor.status).toBe(403);
    });

    it('a deactivated client leaves the list, is listed with is_active=false, and can come back', async () => {
      const client = (await create(manager, { name: `Parti ${letterTag()}` })).body;
      const off = await api(t, 'POST', `/api/clients/${client.id}/deactivate/`, { token: manager, body: {} });
      expect(off.status).toBe(200);
      expect(off.body).toMatchObject({ is_active: false, version: 2 });
      const search = encodeURIComponent(client.name);
      expect((await api(t, 'GET', `/api/clients/?search=${search}`, { token: manager })).body.items).toEqual(
        [],
      );
      const inactive = await api(t, 'GET', `/api/clients/?is_active=false&search=${search}`, {
        token: manager,
      });
      expect(inactive.body.items.map((item: { id: string }) => item.id)).toEqual([client.id]);
      const back = await api(t, 'PUT', `/api/clients/${client.id}/`, {
        token: manager,
        body: { is_active: true },
      });
      expect(back.body.is_active).toBe(true);
      const audits = await t.db.select().from(auditLog).where(eq(auditLog.entityId, client.id));
      expect(audits.map((audit) => audit.action)).toEqual([
        'client.create',
        'client.deactivate',
        'client.update',
      ]);
    });
  });

  describe('merge', () => {
    it('moves the orders and payments to the kept client and records it', async () => {
      const kept = (await create(manager, { name: unique('Gardé ') })).body;
      const duplicate = (
        await create(vendor, { name: unique('Doublon '), phone: freshPhone(), area: 'Issouka' })
      ).body;
      await orderFor(kept.id, vendor, 1);
      const moved = await orderFor(duplicate.id, vendor, 4, 1500);
      const response = await api(t, 'POST', '/api/clients/merge/', {
        token: admin,
        body: { kept_id: kept.id, merged_id: duplicate.id },
      });
      expect(response.status).toBe(200);
      // The kept client takes the phone and area it lacked.
      expect(response.body).toMatchObject({ id: kept.id, phone: duplicate.phone, area: 'Issouka' });
      const [order] = await t.db.select().from(orders).where(eq(orders.id, moved.id));
      expect(order!.clientId).toBe(kept.id);
      const detail = await api(t, 'GET', `/api/clients/${kept.id}/`, { token: manager });
      expect(detail.body).toMatchObject({ order_count: 2, balance: 1000 + 4000 - 1500 });
      expect(detail.body.payments.map((payment: { order_id: string }) => payment.order_id)).toEqual([
        moved.id,
      ]);
      const [gone] = await t.db.select().from(clients).where(eq(clients.id, duplicate.id));
      expect(gone).toMatchObject({ isActive: false, mergedIntoId: kept.id });
      const [audit] = await t.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, 'client.merge'), eq(auditLog.entityId, kept.id)));
      expect(audit!.after).toMatchObject({ moved_orders: 1 });
      // The merged client can't be changed any more; the kept one can.
      const edit = await api(t, 'PUT', `/api/clients/${duplicate.id}/`, {
        token: manager,
        body: { notes: 'x' },
      });
      expect(edit.status).toBe(409);
    });

    it('into itself, across sites, or twice: 409 client_merge_invalid, nothing moved; admins only', async () => {
      const a = (await create(manager, { name: unique('A ') })).body;
      const b = (await create(manager, { name: unique('B ') })).body;
      const far = (await create(otherManager, { name: unique('Loin ') })).body;
      const order = await orderFor(b.id, vendor, 1);
      const merge = (body: unknown, token = admin) => api(t, 'POST', '/api/clients/merge/', { token, body });
      for (const body of [
        { kept_id: a.id, merged_id: a.id },
        { kept_id: a.id, merged_id: far.id },
      ]) {
        const response = await merge(body);
        expect(response.status, JSON.stringify(body)).toBe(409);
        expect(response.body.error.code).toBe('client_merge_invalid');
      }
      expect((await merge({ kept_id: a.id, merged_id: b.id }, manager)).status).toBe(403);
      expect((await merge({ kept_id: a.id, merged_id: randomUUID() })).status).toBe(404);
      const [still] = await t.db.select().from(orders).where(eq(orders.id, order.id));
      expect(still!.clientId).toBe(b.id);
      expect((await merge({ kept_id: a.id, merged_id: b.id })).status).toBe(200);
      const twice = await merge({ kept_id: a.id, merged_id: b.id });
      expect(twice.status).toBe(409);
      expect(twice.body.error.code).toBe('client_merge_invalid');
    });
  });
});

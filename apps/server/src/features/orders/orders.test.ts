import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createSite, signedInUser } from '../../../test/factories.ts';
import { api, useTestApp } from '../../../test/harness.ts';
import { orderItems, orders, products } from '../../db/schema.ts';
import { auditFor, countRows, createOrderAs, createProduct, isoDay, orderBody } from './test-helpers.ts';

describe('orders: create, edit, status machine', () => {
  const t = useTestApp({ poolSize: 20 });

  it('creates an order with a server number, frozen prices and a server-computed total', async () => {
    const { token, user } = await signedInUser(t, 'vendeur');
    const yaourt = await createProduct(t, { unitPrice: 350 });
    const lait = await createProduct(t, { unitPrice: 1000 });
    const body = orderBody([yaourt.id, lait.id], {
      delivery_date: isoDay(2),
      priority: 'haute',
      total_amount: 1,
    });
    delete (body as Record<string, unknown>).total_amount;
    const response = await api(t, 'POST', '/api/orders/', { token, body });
    expect(response.status).toBe(201);
    const order = response.body;
    expect(order.number).toMatch(/^CMD-\d{8}-\d{4}$/);
    expect(order.total_amount).toBe(350 * 1 + 1000 * 2);
    expect(order.delivery_status).toBe('nouvelle');
    expect(order.payment_status).toBe('non_payee');
    expect(order.version).toBe(1);
    expect(order.created_by).toBe(user.id);
    expect(order.priority).toBe('haute');
    expect(order.next_statuses).toEqual(['en_preparation', 'annulee']);
    expect(order.items.map((i: { subtotal: number }) => i.subtotal).sort()).toEqual([2000, 350]);

    // A later price change does not touch the order.
    await t.db.update(products).set({ unitPrice: 9999 }).where(eq(products.id, yaourt.id));
    const again = await api(t, 'GET', `/api/orders/${order.id}/`, { token });
    expect(again.body.total_amount).toBe(2350);
    const audit = await auditFor(t, order.id);
    expect(audit.map((row) => row.action)).toEqual(['order.create']);
  });

  it('numbers orders per site and day in sequence', async () => {
    const site = await createSite(t);
    const { token } = await signedInUser(t, 'vendeur', { siteId: site.id });
    const product = await createProduct(t);
    const first = await createOrderAs(t, token, [product.id]);
    const second = await createOrderAs(t, token, [product.id]);
    const n1 = Number(first.number.split('-')[2]);
    expect(first.number.slice(0, 13)).toBe(second.number.slice(0, 13));
    expect(Number(second.number.split('-')[2])).toBe(n1 + 1);
  });

  it('refuses a total sent by the client (unknown field)', async () => {
    const { token } = await signedInUser(t, 'vendeur');
    const product = await createProduct(t);
    const before = await countRows(t, orders);
    const response = await api(t, 'POST', '/api/orders/', {
      token,
      body: orderBody([product.id], { total_amount: 1 }),
    });
    expect(response.status).toBe(400);
    expect(await countRows(t, orders)).toBe(before);
  });

  it('returns the existing order when the same local_id is sent again', async () => {
    const { token } = await signedInUser(t, 'vendeur');
    const product = await createProduct(t);
    const body = orderBody([product.id]);
    const first = await api(t, 'POST', '/api/orders/', { token, body });
    const second = await api(t, 'POST', '/api/orders/', { token, body: { ...body, client_name: 'Autre' } });
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
    expect(second.body.client_name).toBe('Awa Ouédraogo');
  });

  it('yields one order when the same create is sent 5 times in parallel', async () => {
    const { token } = await signedInUser(t, 'vendeur');
    const product = await createProduct(t);
    const body = orderBody([product.id]);
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => api(t, 'POST', '/api/orders/', { token, body })),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    const rows = await t.db.select().from(orders).where(eq(orders.localId, body.local_id));
    expect(rows).toHaveLength(1);
    const items = await t.db.select().from(orderItems).where(eq(orderItems.orderId, rows[0]!.id));
    expect(items).toHaveLength(1);
    expect(await auditFor(t, rows[0]!.id)).toHaveLength(1);
  });

  it('does not show another user’s order through a reused local_id', async () => {
    const owner = await signedInUser(t, 'vendeur');
    const other = await signedInUser(t, 'vendeur');
    const product = await createProduct(t);
    const body = orderBody([product.id]);
    await api(t, 'POST', '/api/orders/', { token: owner.token, body });
    const response = await api(t, 'POST', '/api/orders/', { token: other.token, body });
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('conflict');
    expect(JSON.stringify(response.body)).not.toContain('Awa');
  });

  it('lets a vendor edit their own new order, recomputing the total and keeping frozen prices', async () => {
    const { token } = await signedInUser(t, 'vendeur');
    const kept = await createProduct(t, { unitPrice: 100 });
    const added = await createProduct(t, { unitPrice: 250 });
    const order = await createOrderAs(t, token, [kept.id]);
    await t.db.update(products).set({ unitPrice: 700 }).where(eq(products.id, kept.id));
    const response = await api(t, 'PUT', `/api/orders/${order.id}/`, {
      token,
      body: {
        client_name: 'Issa Kaboré',
        version: 1,
        items: [
          { product_id: kept.id, quantity: 3 },
          { product_id: added.id, quantity: 2 },
        ],
      },
    });
    expect(response.status).toBe(200);
    expect(response.body.client_name).toBe('Issa Kaboré');
    expect(response.body.total_amount).toBe(3 * 100 + 2 * 250);
    expect(response.body.version).toBe(2);
    expect(response.body.items).toHaveLength(2);
    const audit = await auditFor(t, order.id);
    expect(audit.at(-1)!.action).toBe('order.update');
    expect((audit.at(-1)!.before as { clientName: string }).clientName).toBe('Awa Ouédraogo');
  });

  it('refuses a stale version with 409 version_conflict', async () => {
    const { token } = await signedInUser(t, 'vendeur');
    const product = await createProduct(t);
    const order = await createOrderAs(t, token, [product.id]);
    await api(t, 'PUT', `/api/orders/${order.id}/`, { token, body: { notes: 'a' } });
    const response = await api(t, 'PUT', `/api/orders/${order.id}/`, {
      token,
      body: { notes: 'b', version: 1 },
    });
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('version_conflict');
    expect(response.body.error.details.current_version).toBe(2);
  });

  it('answers 404 to a vendor editing or reading someone else’s order, and writes nothing', async () => {
    const owner = await signedInUser(t, 'vendeur');
    const other = await signedInUser(t, 'vendeur');
    const product = await createProduct(t);
    const order = await createOrderAs(t, owner.token, [product.id]);
    const auditBefore = await countRows(t, (await import('../../db/schema.ts')).auditLog);
    for (const [method, url, body] of [
      ['PUT', `/api/orders/${order.id}/`, { notes: 'pirate' }],
      ['PATCH', `/api/orders/${order.id}/status/`, { status: 'annulee' }],
      ['GET', `/api/orders/${order.id}/`, undefined],
    ] as const) {
      const response = await api(t, method, url, { token: other.token, body });
      expect(response.status, `${method} ${url}`).toBe(404);
    }
    const [row] = await t.db.select().from(orders).where(eq(orders.id, order.id));
    expect(row!.notes).toBeNull();
    expect(row!.deliveryStatus).toBe('nouvelle');
    expect(await countRows(t, (await import('../../db/schema.ts')).auditLog)).toBe(auditBefore);
  });

  it('scopes managers to their site and lets the admin see every site', async () => {
    const site = await createSite(t);
    const vendor = await signedInUser(t, 'vendeur', { siteId: site.id });
    const localManager = await signedInUser(t, 'gestionnaire_commandes', { siteId: site.id });
    const farManager = await signedInUser(t, 'gestionnaire_commandes');
    const admin = await signedInUser(t, 'admin', { siteId: null });
    const product = await createProduct(t);
    const order = await createOrderAs(t, vendor.token, [product.id]);
    expect(order.site_id).toBe(site.id);
    expect((await api(t, 'GET', `/api/orders/${order.id}/`, { token: localManager.token })).status).toBe(200);
    expect((await api(t, 'GET', `/api/orders/${order.id}/`, { token: admin.token })).status).toBe(200);
    expect((await api(t, 'GET', `/api/orders/${order.id}/`, { token: farManager.token })).status).toBe(404);
    const moved = await api(t, 'PATCH', `/api/orders/${order.id}/status/`, {
      token: farManager.token,
      body: { status: 'en_preparation' },
    });
    expect(moved.status).toBe(404);
  });

  it('lets an admin create for a named site and requires one when the admin has none', async () => {
    const site = await createSite(t);
    const admin = await signedInUser(t, 'admin', { siteId: null });
    const product = await createProduct(t);
    const missing = await api(t, 'POST', '/api/orders/', {
      token: admin.token,
      body: orderBody([product.id]),
    });
    expect(missing.status).toBe(400);
    const order = await createOrderAs(t, admin.token, [product.id], { site_id: site.id });
    expect(order.site_id).toBe(site.id);
    const vendor = await signedInUser(t, 'vendeur');
    const elsewhere = await api(t, 'POST', '/api/orders/', {
      token: vendor.token,
      body: orderBody([product.id], { site_id: site.id }),
    });
    expect(elsewhere.status).toBe(404);
  });

  it('walks the status machine and refuses illegal moves with the allowed next states', async () => {
    const vendor = await signedInUser(t, 'vendeur');
    const manager = await signedInUser(t, 'gestionnaire_commandes');
    const product = await createProduct(t);
    const order = await createOrderAs(t, vendor.token, [product.id]);
    const move = (status: string, token = manager.token) =>
      api(t, 'PATCH', `/api/orders/${order.id}/status/`, { token, body: { status } });

    const skip = await move('en_cours');
    expect(skip.status).toBe(409);
    expect(skip.body.error.code).toBe('invalid_transition');
    expect(skip.body.error.details.allowed).toEqual(['en_preparation', 'annulee']);

    const vendorMove = await move('en_preparation', vendor.token);
    expect(vendorMove.status).toBe(403);

    const prepared = await move('en_preparation');
    expect(prepared.status).toBe(200);
    expect(prepared.body.delivery_status).toBe('en_preparation');
    expect(prepared.body.version).toBe(2);

    // Once past `nouvelle`, neither an edit nor a vendor cancel is allowed.
    const edit = await api(t, 'PUT', `/api/orders/${order.id}/`, {
      token: vendor.token,
      body: { notes: 'x' },
    });
    expect(edit.status).toBe(409);
    const managerEdit = await api(t, 'PUT', `/api/orders/${order.id}/`, {
      token: manager.token,
      body: { notes: 'x' },
    });
    expect(managerEdit.status).toBe(409);
    expect((await move('annulee', vendor.token)).status).toBe(409);

    expect((await move('en_cours')).status).toBe(200);
    const cancelled = await move('annulee');
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.cancelled_at).toBeTypeOf('string');
    expect(cancelled.body.next_statuses).toEqual([]);
    const after = await move('en_preparation');
    expect(after.status).toBe(409);
    expect(after.body.error.details.allowed).toEqual([]);

    const audit = await auditFor(t, order.id);
    expect(audit.map((row) => row.action)).toEqual([
      'order.create',
      'order.status',
      'order.status',
      'order.cancel',
    ]);
  });

  it('lets a vendor cancel their own new order', async () => {
    const vendor = await signedInUser(t, 'vendeur');
    const product = await createProduct(t);
    const order = await createOrderAs(t, vendor.token, [product.id]);
    const response = await api(t, 'PATCH', `/api/orders/${order.id}/status/`, {
      token: vendor.token,
      body: { status: 'annulee' },
    });
    expect(response.status).toBe(200);
    expect(response.body.delivery_status).toBe('annulee');
  });

  describe('bad input: a clear 4xx and nothing written', () => {
    const cases: [string, (ids: { active: string; inactive: string }) => Record<string, unknown>, string][] =
      [
        ['an empty item list', (p) => orderBody([p.active], { items: [] }), 'items'],
        [
          'a zero quantity',
          (p) => orderBody([p.active], { items: [{ product_id: p.active, quantity: 0 }] }),
          'items.0.quantity',
        ],
        [
          'a negative quantity',
          (p) => orderBody([p.active], { items: [{ product_id: p.active, quantity: -2 }] }),
          'items.0.quantity',
        ],
        [
          'a fractional quantity',
          (p) => orderBody([p.active], { items: [{ product_id: p.active, quantity: 1.5 }] }),
          'items.0.quantity',
        ],
        ['an unknown product', () => orderBody([randomUUID()]), 'items.0.product_id'],
        ['an inactive product', (p) => orderBody([p.inactive]), 'items.0.product_id'],
        ['the same product twice', (p) => orderBody([p.active, p.active]), 'items.1.product_id'],
        [
          'a phone that is not a phone',
          (p) => orderBody([p.active], { client_phone: 'appelle-moi' }),
          'client_phone',
        ],
        ['a phone too short', (p) => orderBody([p.active], { client_phone: '1234' }), 'client_phone'],
        [
          'a delivery date in the past',
          (p) => orderBody([p.active], { delivery_date: isoDay(-2) }),
          'delivery_date',
        ],
        ['a malformed local_id', (p) => orderBody([p.active], { local_id: 'abc' }), 'local_id'],
        ['an unknown priority', (p) => orderBody([p.active], { priority: 'urgente' }), 'priority'],
        ['an empty client name', (p) => orderBody([p.active], { client_name: '  ' }), 'client_name'],
        [
          'an unknown status at creation',
          (p) => orderBody([p.active], { delivery_status: 'livree' }),
          'delivery_status',
        ],
      ];

    for (const [label, build, field] of cases) {
      it(`refuses ${label}`, async () => {
        const { token } = await signedInUser(t, 'vendeur');
        const active = await createProduct(t);
        const inactive = await createProduct(t, { isActive: false });
        const before = await countRows(t, orders);
        const response = await api(t, 'POST', '/api/orders/', {
          token,
          body: build({ active: active.id, inactive: inactive.id }),
        });
        expect(response.status).toBe(400);
        expect(response.body.error.code).toBe('validation_error');
        expect(response.body.error.details.fields.map((f: { field: string }) => f.field)).toContain(field);
        expect(await countRows(t, orders)).toBe(before);
      });
    }

    it('refuses an unknown status and an edit with a past date', async () => {
      const { token } = await signedInUser(t, 'gestionnaire_commandes');
      const product = await createProduct(t);
      const order = await createOrderAs(t, token, [product.id]);
      const status = await api(t, 'PATCH', `/api/orders/${order.id}/status/`, {
        token,
        body: { status: 'perdue' },
      });
      expect(status.status).toBe(400);
      const edit = await api(t, 'PUT', `/api/orders/${order.id}/`, {
        token,
        body: { delivery_date: isoDay(-3) },
      });
      expect(edit.status).toBe(400);
      const emptyItems = await api(t, 'PUT', `/api/orders/${order.id}/`, { token, body: { items: [] } });
      expect(emptyItems.status).toBe(400);
      const unknown = await api(t, 'GET', `/api/orders/${randomUUID()}/`, { token });
      expect(unknown.status).toBe(404);
      const [row] = await t.db.select().from(orders).where(eq(orders.id, order.id));
      expect(row!.version).toBe(1);
    });
  });
});

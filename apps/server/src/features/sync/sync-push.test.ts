import { randomUUID } from 'node:crypto';
import { SYNC_MAX_BATCH, SYNC_SCHEMA_VERSION } from '@gapal/shared';
import { count, eq, sql } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { createSite, signedInUser, tokenFor } from '../../../test/factories.ts';
import { api, useTestApp } from '../../../test/harness.ts';
import { selectRows } from '../../db/client.ts';
import { auditLog, devices, orders, stockLevels, syncMutations } from '../../db/schema.ts';
import { withTemporaryFailures } from './sync-device.ts';
import { catalogProduct, createArgs, mutation, push, type SyncClient, syncClient } from './test-helpers.ts';

describe('sync push', () => {
  const t = useTestApp({ env: { SYNC_RATE_LIMIT_PER_MINUTE: '100000' } });

  const ordersWithLocalId = async (localId: string) =>
    Number((await t.db.select({ n: count() }).from(orders).where(eq(orders.localId, localId)))[0]!.n);
  const lastSeqOf = async (client: SyncClient) =>
    (await t.db.select({ seq: devices.lastSeq }).from(devices).where(eq(devices.id, client.deviceId)))[0]!
      .seq;
  const storedCount = async (client: SyncClient) =>
    Number(
      (
        await t.db
          .select({ n: count() })
          .from(syncMutations)
          .where(eq(syncMutations.deviceId, client.deviceId))
      )[0]!.n,
    );
  const stockManagerToken = async (siteId = t.defaultSiteId) =>
    (await signedInUser(t, 'gestionnaire_stocks', { siteId })).token;
  const receive = async (token: string, productId: string, quantity: number) => {
    const response = await api(t, 'POST', '/api/stock/entry/', {
      token,
      body: { items: [{ product_id: productId, quantity }] },
    });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
  };

  it('applies an order creation once, and a retry of the same batch gets the stored result', async () => {
    const vendor = await syncClient(t);
    const milk = await catalogProduct(t, { unitPrice: 300 });
    const yogurt = await catalogProduct(t, { unitPrice: 450 });
    const args = createArgs([milk.id, yogurt.id]);
    const batch = [mutation(vendor, 'create_order', args)];

    const first = await push(t, vendor, batch);
    expect(first.status).toBe(200);
    const [result] = first.body.results;
    expect(result).toMatchObject({
      id: batch[0]!.id,
      seq: 1,
      status: 'applied',
      order: {
        local_id: args.local_id,
        version: 1,
        delivery_status: 'nouvelle',
        total_amount: 2 * 300 + 3 * 450,
      },
    });
    expect(result!.order!.number).toMatch(/^CMD-\d{8}-\d{4,}$/);
    expect(first.body.last_seq).toBe(1);
    expect(first.body.stopped).toBeNull();

    const retry = await push(t, vendor, batch);
    expect(retry.status).toBe(200);
    expect(retry.body.results[0]).toMatchObject({
      id: batch[0]!.id,
      seq: 1,
      status: 'duplicate',
      original_status: 'applied',
      order: result!.order,
    });
    expect(retry.body.stats).toMatchObject({ sent: 1, applied: 0, duplicates: 1, rejected: 0 });
    expect(await ordersWithLocalId(args.local_id)).toBe(1);
    expect(await lastSeqOf(vendor)).toBe(1);
  });

  it('writes a run of creations together, and when one of them can’t go, each goes on its own', async () => {
    const vendor = await syncClient(t);
    const milk = await catalogProduct(t, { unitPrice: 300 });
    const together = [1, 2, 3].map(() => mutation(vendor, 'create_order', createArgs([milk.id])));
    const first = await push(t, vendor, together);
    expect(first.body.results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied']);
    const numbers = first.body.results.map((r) => r.order?.number);
    expect(new Set(numbers).size).toBe(3);

    // The middle one reuses a local_id the server already has (sent earlier through REST).
    const existing = createArgs([milk.id]);
    const viaRest = await api(t, 'POST', '/api/orders/', { token: vendor.token, body: existing });
    expect(viaRest.status).toBe(201);
    const mixed = [
      mutation(vendor, 'create_order', createArgs([milk.id])),
      mutation(vendor, 'create_order', existing),
      mutation(vendor, 'create_order', createArgs([milk.id])),
    ];
    const second = await push(t, vendor, mixed);
    expect(second.status).toBe(200);
    expect(second.body.results.map((r) => r.status)).not.toContain('skipped');
    expect(second.body.results[1]?.order?.id).toBe(viaRest.body.id);
    for (const m of mixed) {
      expect(await ordersWithLocalId((m.args as { local_id: string }).local_id)).toBe(1);
    }
    expect(second.body.last_seq).toBe(6);
    expect(await lastSeqOf(vendor)).toBe(6);
    expect(await storedCount(vendor)).toBe(6);
  });

  it('answers on the plan’s path /api/orders/sync/ exactly as on /api/sync/push/', async () => {
    const vendor = await syncClient(t);
    const milk = await catalogProduct(t);
    const batch = [mutation(vendor, 'create_order', createArgs([milk.id]))];
    const viaAlias = await push(t, vendor, batch, { url: '/api/orders/sync/' });
    expect(viaAlias.status).toBe(200);
    expect(viaAlias.body.results[0]!.status).toBe('applied');
    const viaMain = await push(t, vendor, batch, { url: '/api/sync/push' });
    expect(viaMain.body.results[0]!.status).toBe('duplicate');
    // The orders routes around it still work.
    const list = await api(t, 'GET', '/api/orders/', { token: vendor.token });
    expect(list.status).toBe(200);
    expect(list.body.items.map((o: { local_id: string }) => o.local_id)).toContain(
      (batch[0]!.args as { local_id: string }).local_id,
    );
  });

  it('creates the same order, audit row and change log entry as the REST endpoint', async () => {
    const vendor = await syncClient(t);
    const milk = await catalogProduct(t, { unitPrice: 275 });
    const cheese = await catalogProduct(t, { unitPrice: 1200 });
    const body = {
      ...createArgs([milk.id, cheese.id]),
      delivery_address: 'Secteur 3',
      delivery_date: '2999-01-01',
      priority: 'haute',
      notes: 'Sonner deux fois',
    };
    const viaSync = await push(t, vendor, [mutation(vendor, 'create_order', body)]);
    const viaRest = await api(t, 'POST', '/api/orders/', {
      token: vendor.token,
      body: { ...body, local_id: randomUUID() },
    });
    expect(viaRest.status).toBe(201);
    const synced = await api(t, 'GET', `/api/orders/${viaSync.body.results[0]!.order!.id}/`, {
      token: vendor.token,
    });
    const strip = (order: Record<string, unknown>) => {
      const { id, local_id, number, created_at, updated_at, items, ...rest } = order;
      return {
        ...rest,
        items: (items as Array<Record<string, unknown>>).map(({ id: _id, ...item }) => item),
      };
    };
    expect(strip(synced.body)).toEqual(strip(viaRest.body));
    expect(synced.body.device_id).toBe(vendor.deviceId);

    const audits = await t.db.select().from(auditLog).where(eq(auditLog.entityId, synced.body.id));
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      action: 'order.create',
      userId: vendor.user.id,
      deviceId: vendor.deviceId,
    });
    expect((audits[0]!.after as { number: string; items: unknown[] }).number).toBe(synced.body.number);
    expect((audits[0]!.after as { items: unknown[] }).items).toHaveLength(2);
    // Lean on both paths: not what the audit row's columns say (id, site), not updatedAt, no nulls.
    const [restAudit] = await t.db.select().from(auditLog).where(eq(auditLog.entityId, viaRest.body.id));
    for (const after of [audits[0]!.after, restAudit!.after] as Record<string, unknown>[]) {
      expect(after).toMatchObject({
        clientName: body.client_name,
        notes: 'Sonner deux fois',
        priority: 'haute',
      });
      for (const key of ['id', 'siteId', 'updatedAt', 'cancelledAt']) expect(after).not.toHaveProperty(key);
      expect(Object.values(after)).not.toContain(null);
    }
    const logged = await selectRows<{ n: number }>(
      t.db,
      sql`SELECT count(*)::int AS n FROM sync_changes WHERE stream = 'order' AND entity_id = ${synced.body.id}`,
    );
    expect(logged[0]!.n).toBe(1);
  });

  it('applies updates, cancellations and status changes through the order rules', async () => {
    const vendor = await syncClient(t);
    const manager = await syncClient(t, 'gestionnaire_commandes');
    const milk = await catalogProduct(t, { unitPrice: 100 });
    await receive(await stockManagerToken(), milk.id, 50);
    const a = createArgs([milk.id]);
    const b = createArgs([milk.id]);
    const response = await push(t, vendor, [
      mutation(vendor, 'create_order', a),
      mutation(vendor, 'create_order', b),
      mutation(
        vendor,
        'update_order',
        { local_id: a.local_id, items: [{ product_id: milk.id, quantity: 7 }] },
        { base_version: 1 },
      ),
      mutation(vendor, 'cancel_order', { local_id: b.local_id }),
    ]);
    expect(response.body.results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied', 'applied']);
    expect(response.body.results[2]!.order).toMatchObject({ version: 2, total_amount: 700 });
    expect(response.body.results[3]!.order).toMatchObject({ delivery_status: 'annulee' });

    const moves = ['en_preparation', 'en_cours', 'livree'].map((status) =>
      mutation(manager, 'set_status', { local_id: a.local_id, status }),
    );
    const delivered = await push(t, manager, [
      ...moves,
      mutation(manager, 'record_payment', {
        local_id: a.local_id,
        amount: 700,
        method: 'orange_money',
        reference: 'OM-1',
      }),
    ]);
    expect(delivered.body.results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied', 'applied']);
    expect(delivered.body.results[3]!.order).toMatchObject({ delivery_status: 'livree', paid_amount: 700 });
    // Replaying the whole batch takes nothing twice.
    const replay = await push(t, manager, [...moves]);
    expect(replay.body.results.every((r) => r.status === 'duplicate')).toBe(true);
    const [level] = await t.db.select().from(stockLevels).where(eq(stockLevels.productId, milk.id));
    expect(level!.quantity).toBe(50 - 7);
  });

  it('rejects what the order rules refuse, with the reason and the current state, and moves on', async () => {
    const vendor = await syncClient(t);
    const milk = await catalogProduct(t);
    const args = createArgs([milk.id]);
    await push(t, vendor, [mutation(vendor, 'create_order', args)]);
    const { token: managerToken } = await signedInUser(t, 'gestionnaire_commandes');
    const order = (await api(t, 'GET', '/api/orders/', { token: vendor.token })).body.items.find(
      (o: { local_id: string }) => o.local_id === args.local_id,
    );
    const moved = await api(t, 'PATCH', `/api/orders/${order.id}/status/`, {
      token: managerToken,
      body: { status: 'en_preparation' },
    });
    expect(moved.status).toBe(200);

    const edit = mutation(vendor, 'update_order', { local_id: args.local_id, client_name: 'Autre' });
    const stale = mutation(vendor, 'cancel_order', { local_id: args.local_id }, { base_version: 1 });
    const payment = mutation(vendor, 'record_payment', {
      local_id: args.local_id,
      amount: 1_000_000,
      method: 'especes',
    });
    const after = mutation(vendor, 'create_order', createArgs([milk.id]));
    const response = await push(t, vendor, [edit, stale, payment, after]);
    expect(response.status).toBe(200);
    const [editResult, staleResult, paymentResult, afterResult] = response.body.results;
    expect(editResult).toMatchObject({ status: 'rejected', reason: { code: 'invalid_transition' } });
    expect(editResult!.current).toMatchObject({
      id: order.id,
      delivery_status: 'en_preparation',
      version: 2,
    });
    expect(staleResult).toMatchObject({ status: 'rejected', reason: { code: 'version_conflict' } });
    // Vendors take money on their own orders, never above the balance.
    expect(paymentResult).toMatchObject({ status: 'rejected', reason: { code: 'validation_error' } });
    expect(afterResult!.status).toBe('applied');
    expect(response.body.last_seq).toBe(5);
    expect(response.body.stats).toMatchObject({ sent: 4, applied: 1, duplicates: 0, rejected: 3 });

    const current = await api(t, 'GET', `/api/orders/${order.id}/`, { token: vendor.token });
    expect(current.body).toMatchObject({
      client_name: args.client_name,
      delivery_status: 'en_preparation',
      paid_amount: 0,
    });
    // A retry gets the stored refusal, not a second attempt.
    const retry = await push(t, vendor, [edit]);
    expect(retry.body.results[0]).toMatchObject({
      status: 'duplicate',
      original_status: 'rejected',
      reason: { code: 'invalid_transition' },
    });
    // The vendor is told, once for the push.
    const notes = await api(t, 'GET', '/api/notifications/', { token: vendor.token });
    expect(notes.body.items.filter((n: { kind: string }) => n.kind === 'sync_rejetee')).toHaveLength(1);
  });

  it('stops the batch at a gap in the sequence and writes nothing past it', async () => {
    const vendor = await syncClient(t);
    const milk = await catalogProduct(t);
    const first = mutation(vendor, 'create_order', createArgs([milk.id]));
    vendor.nextSeq += 1; // seq 2 is lost
    const third = mutation(vendor, 'create_order', createArgs([milk.id]));
    const fourth = mutation(vendor, 'create_order', createArgs([milk.id]));
    const response = await push(t, vendor, [first, third, fourth]);
    expect(response.status).toBe(200);
    expect(response.body.results.map((r) => r.status)).toEqual(['applied', 'skipped', 'skipped']);
    expect(response.body.stopped).toEqual({ reason: 'seq_gap', expected_seq: 2 });
    expect(response.body.last_seq).toBe(1);
    expect(await ordersWithLocalId((third.args as { local_id: string }).local_id)).toBe(0);
    expect(await storedCount(vendor)).toBe(1);

    // Batches arriving in the wrong order: the later one waits, then goes through.
    const second = { ...mutation({ ...vendor, nextSeq: 2 }, 'create_order', createArgs([milk.id])) };
    const late = await push(t, vendor, [third, fourth]);
    expect(late.body.stopped).toEqual({ reason: 'seq_gap', expected_seq: 2 });
    expect((await push(t, vendor, [second])).body.results[0]!.status).toBe('applied');
    expect((await push(t, vendor, [third, fourth])).body.results.map((r) => r.status)).toEqual([
      'applied',
      'applied',
    ]);
    expect(await lastSeqOf(vendor)).toBe(4);
  });

  it('rejects a sequence going backwards, unknown names and malformed arguments, writing no order', async () => {
    const vendor = await syncClient(t);
    const milk = await catalogProduct(t);
    await push(t, vendor, [mutation(vendor, 'create_order', createArgs([milk.id]))]);
    const ordersBefore = Number((await t.db.select({ n: count() }).from(orders))[0]!.n);

    const backwards = { ...mutation(vendor, 'create_order', createArgs([milk.id])), seq: 1 };
    vendor.nextSeq -= 1;
    const unknown = mutation(vendor, 'delete_everything', { all: true });
    const malformed = mutation(vendor, 'create_order', {
      ...createArgs([milk.id]),
      items: [{ product_id: milk.id, quantity: -2 }],
    });
    const unknownProduct = mutation(vendor, 'create_order', createArgs([randomUUID()]));
    const extraField = mutation(vendor, 'cancel_order', { local_id: randomUUID(), force: true });
    const response = await push(t, vendor, [backwards, unknown, malformed, unknownProduct, extraField]);
    expect(response.status).toBe(200);
    const [back, unk, bad, noProduct, extra] = response.body.results;
    expect(back).toMatchObject({
      status: 'rejected',
      reason: { code: 'seq_out_of_order', details: { expected_seq: 2 } },
    });
    expect(unk).toMatchObject({ status: 'rejected', reason: { code: 'unknown_mutation' } });
    expect(bad).toMatchObject({ status: 'rejected', reason: { code: 'validation_error' } });
    expect((bad!.reason!.details as { fields: { field: string }[] }).fields[0]!.field).toBe(
      'args.items.0.quantity',
    );
    expect(noProduct).toMatchObject({ status: 'rejected', reason: { code: 'validation_error' } });
    expect(extra).toMatchObject({ status: 'rejected', reason: { code: 'validation_error' } });
    // Refusals of content advance the sequence; the one about the sequence itself does not.
    expect(response.body.last_seq).toBe(5);
    expect(Number((await t.db.select({ n: count() }).from(orders))[0]!.n)).toBe(ordersBefore);
    expect(await storedCount(vendor)).toBe(5);
  });

  it('refuses a mutation on another vendor’s order without showing it', async () => {
    const owner = await syncClient(t);
    const other = await syncClient(t);
    const milk = await catalogProduct(t);
    const args = createArgs([milk.id]);
    await push(t, owner, [mutation(owner, 'create_order', args)]);
    const response = await push(t, other, [mutation(other, 'cancel_order', { local_id: args.local_id })]);
    expect(response.body.results[0]).toMatchObject({
      status: 'rejected',
      reason: { code: 'not_found' },
      current: null,
    });
    // Reusing another vendor's order id to create is refused too.
    const steal = await push(t, other, [
      mutation(other, 'create_order', { ...createArgs([milk.id]), local_id: args.local_id }),
    ]);
    expect(steal.body.results[0]).toMatchObject({ status: 'rejected', reason: { code: 'conflict' } });
    const [row] = await t.db.select().from(orders).where(eq(orders.localId, args.local_id));
    expect(row).toMatchObject({ createdBy: owner.user.id, deliveryStatus: 'nouvelle' });
  });

  it('applies each mutation once when the same batch arrives twice at the same time', async () => {
    const vendor = await syncClient(t);
    const milk = await catalogProduct(t);
    const batch = Array.from({ length: 8 }, () => mutation(vendor, 'create_order', createArgs([milk.id])));
    const [a, b] = await Promise.all([push(t, vendor, batch), push(t, vendor, batch)]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    for (const [index, m] of batch.entries()) {
      const statuses = [a.body.results[index]!.status, b.body.results[index]!.status].sort();
      expect(statuses).toEqual(['applied', 'duplicate']);
      expect(await ordersWithLocalId((m.args as { local_id: string }).local_id)).toBe(1);
    }
    expect(await lastSeqOf(vendor)).toBe(8);
  });

  it('reports totals and the stock alerts of the device’s site', async () => {
    const site = await createSite(t);
    const vendor = await syncClient(t, 'vendeur', site.id);
    const stockToken = await stockManagerToken(site.id);
    const before = await push(t, vendor, []);
    expect(before.body.stats).toMatchObject({ sent: 0, applied: 0, duplicates: 0, rejected: 0 });
    const base = before.body.stats;

    const low = await catalogProduct(t, { minStockLevel: 10 });
    const fine = await catalogProduct(t, { minStockLevel: 10 });
    const out = await catalogProduct(t, { minStockLevel: 0 });
    await catalogProduct(t, { minStockLevel: 5, isActive: false }); // inactive: not counted
    await receive(stockToken, low.id, 4);
    await receive(stockToken, fine.id, 40);
    // Stock at another site does not make `out` available here.
    await receive(await stockManagerToken(), out.id, 100);

    const response = await push(t, vendor, [mutation(vendor, 'create_order', createArgs([fine.id]))]);
    expect(response.body.stats).toEqual({
      sent: 1,
      applied: 1,
      duplicates: 0,
      rejected: 0,
      // `low` (4 < 10) is under its threshold; `out` has nothing here (its threshold is 0).
      low_stock_count: base.low_stock_count + 1,
      out_of_stock_count: base.out_of_stock_count + 1,
      stock_alert: true,
    });
  });

  it('tells every client its schema version is too old (426) or unknown (400)', async () => {
    const vendor = await syncClient(t);
    const old = await push(t, vendor, [], {
      body: { device_id: vendor.deviceId, schema_version: 0, mutations: [] },
    });
    expect(old.status).toBe(426);
    expect(old.body.error.code).toBe('upgrade_required');
    expect(old.body.error.message).toMatch(/mettez-la à jour/);
    const oldShape = await push(t, vendor, [], {
      body: { device_id: vendor.deviceId, schema_version: 0, changes: {} },
    });
    expect(oldShape.status).toBe(426);
    const future = await push(t, vendor, [], {
      body: { device_id: vendor.deviceId, schema_version: SYNC_SCHEMA_VERSION + 1, mutations: [] },
    });
    expect(future.status).toBe(400);
  });

  it('refuses a bad envelope as a whole and writes nothing', async () => {
    const vendor = await syncClient(t);
    const milk = await catalogProduct(t);
    const tooMany = Array.from({ length: SYNC_MAX_BATCH + 1 }, () =>
      mutation(vendor, 'create_order', createArgs([milk.id])),
    );
    const bodies = [
      { device_id: vendor.deviceId, schema_version: SYNC_SCHEMA_VERSION, mutations: tooMany },
      { schema_version: SYNC_SCHEMA_VERSION, mutations: [] },
      { device_id: vendor.deviceId, schema_version: SYNC_SCHEMA_VERSION, mutations: [], extra: 1 },
      { device_id: vendor.deviceId, schema_version: SYNC_SCHEMA_VERSION, mutations: [{ id: 'x', seq: 1 }] },
      {
        device_id: vendor.deviceId,
        schema_version: SYNC_SCHEMA_VERSION,
        mutations: [{ ...tooMany[0], seq: -1 }],
      },
    ];
    for (const body of bodies) {
      const response = await push(t, vendor, [], { body });
      expect(response.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(response.body.error.code).toBe('validation_error');
    }
    const tooManyResponse = await push(t, vendor, [], { body: bodies[0] });
    expect(tooManyResponse.body.error.details.fields[0].field).toBe('mutations');
    expect(await storedCount(vendor)).toBe(0);
    expect(await lastSeqOf(vendor)).toBe(0);
  });

  it('gives nothing to a caller without its own, live device of its site', async () => {
    const vendor = await syncClient(t);
    const other = await syncClient(t);
    const milk = await catalogProduct(t);
    const batch = () => [mutation(vendor, 'create_order', createArgs([milk.id]))];

    const noDevice = await push(t, vendor, batch(), { token: await tokenFor(t, vendor.user) });
    expect(noDevice.status).toBe(400);
    expect(noDevice.body.error.code).toBe('bad_request');
    const someoneElses = await push(t, vendor, batch(), {
      body: { device_id: other.deviceId, schema_version: SYNC_SCHEMA_VERSION, mutations: batch() },
    });
    expect(someoneElses.status).toBe(404);
    const pullOther = await api(t, 'GET', `/api/sync/pull/?device_id=${other.deviceId}`, {
      token: vendor.token,
    });
    expect(pullOther.status).toBe(404);

    // A device bound to another site than its user's.
    const elsewhere = await createSite(t);
    await t.db.update(devices).set({ siteId: elsewhere.id }).where(eq(devices.id, other.deviceId));
    expect((await push(t, other, batch())).status).toBe(404);
    expect((await api(t, 'GET', '/api/sync/pull/', { token: other.token })).status).toBe(404);

    const { token: adminToken } = await signedInUser(t, 'admin', { siteId: null });
    const revoke = await api(t, 'POST', `/api/devices/${vendor.deviceId}/revoke/`, { token: adminToken });
    expect(revoke.status).toBe(200);
    const revoked = await push(t, vendor, batch());
    expect(revoked.status).toBe(401);
    expect(revoked.body.error.code).toBe('device_revoked');
    expect((await api(t, 'GET', '/api/sync/pull/', { token: vendor.token })).status).toBe(401);
    expect(await storedCount(vendor)).toBe(0);
    expect(await storedCount(other)).toBe(0);
  });

  it('answers 503 with Retry-After when the database fails for a moment, and the retry applies once', async () => {
    const vendor = await syncClient(t);
    const milk = await catalogProduct(t);
    const args = createArgs([milk.id]);
    await push(t, vendor, [mutation(vendor, 'create_order', args)]);
    const cancel = [mutation(vendor, 'cancel_order', { local_id: args.local_id })];
    const serializationFailure = Object.assign(new Error('could not serialize access'), { code: '40001' });
    const spy = vi.spyOn(t.db, 'transaction').mockRejectedValue(serializationFailure);
    try {
      const failed = await push(t, vendor, cancel);
      expect(failed.status).toBe(503);
      expect(failed.headers['retry-after']).toBeDefined();
      expect(failed.body.error.code).toBe('service_unavailable');
    } finally {
      spy.mockRestore();
    }
    const retried = await push(t, vendor, cancel);
    expect(retried.body.results[0]!.status).toBe('applied');
    expect((await push(t, vendor, cancel)).body.results[0]!.status).toBe('duplicate');
  });

  it('gives up on a serialization failure only after retrying it', async () => {
    let calls = 0;
    const result = await withTemporaryFailures(async () => {
      calls += 1;
      if (calls < 3) throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
      return 'done';
    });
    expect(result).toBe('done');
    expect(calls).toBe(3);
  });
});

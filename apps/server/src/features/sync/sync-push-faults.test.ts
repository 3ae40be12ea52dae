import { randomUUID } from 'node:crypto';
import type { SyncMutation, SyncMutationResult } from '@gapal/shared';
import { count, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { useTestApp } from '../../../test/harness.ts';
import { refuseClientName } from '../../../test/poison-trigger.ts';
import { devices, orders, syncMutations } from '../../db/schema.ts';
import { faultReason, storableReason } from './sync-mutation-faults.ts';
import {
  catalogProduct,
  createArgs,
  mutation,
  pullAll,
  push,
  type SyncClient,
  syncClient,
} from './test-helpers.ts';

// A name the database refuses through a test trigger: a real database fault on one
// mutation's own data, which no schema can foresee.
const POISON = 'Client empoisonné';

describe('sync push: one poisoned mutation never blocks its phone', () => {
  const t = useTestApp({ env: { SYNC_RATE_LIMIT_PER_MINUTE: '100000' } });

  beforeAll(async () => {
    await refuseClientName(t, POISON);
  });

  const lastSeqOf = async (client: SyncClient) =>
    (await t.db.select({ seq: devices.lastSeq }).from(devices).where(eq(devices.id, client.deviceId)))[0]!
      .seq;
  const ordersWithLocalId = async (localId: string) =>
    Number((await t.db.select({ n: count() }).from(orders).where(eq(orders.localId, localId)))[0]!.n);
  const storedStatus = async (id: string) =>
    (
      await t.db.select({ status: syncMutations.status }).from(syncMutations).where(eq(syncMutations.id, id))
    )[0]?.status;
  const localIdOf = (m: SyncMutation) => (m.args as { local_id: string }).local_id;

  /** Re-sending a batch answers every mutation `duplicate`, with the outcome it first had. */
  async function expectDuplicates(client: SyncClient, batch: SyncMutation[], first: SyncMutationResult[]) {
    const again = await push(t, client, batch);
    expect(again.status).toBe(200);
    expect(again.body.results.map((result) => result.status)).toEqual(batch.map(() => 'duplicate'));
    for (const [index, result] of again.body.results.entries()) {
      const original = first[index]!;
      expect(result.original_status).toBe(original.status);
      expect(result.reason).toEqual(original.reason);
      expect(result.order?.id).toEqual(original.order?.id);
    }
  }

  it('rejects a creation the database refuses, applies the others of the run and moves on', async () => {
    const vendor = await syncClient(t);
    const milk = await catalogProduct(t);
    // All three pass validation: they form one run for the one-statement fast path.
    const batch = [
      mutation(vendor, 'create_order', createArgs([milk.id])),
      mutation(vendor, 'create_order', createArgs([milk.id], { client_name: POISON })),
      mutation(vendor, 'create_order', createArgs([milk.id])),
    ];
    const response = await push(t, vendor, batch);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const [good, poisoned, after] = response.body.results;
    expect(good).toMatchObject({ status: 'applied' });
    expect(poisoned).toMatchObject({
      status: 'rejected',
      reason: {
        code: 'data_rejected',
        message: expect.stringMatching(/refusé/),
        details: { sqlstate: 'P0001' },
      },
      current: null,
    });
    expect(after).toMatchObject({ status: 'applied' });
    expect(response.body.last_seq).toBe(3);
    expect(response.body.stats).toMatchObject({ applied: 2, rejected: 1 });
    expect(await ordersWithLocalId(localIdOf(batch[0]!))).toBe(1);
    expect(await ordersWithLocalId(localIdOf(batch[1]!))).toBe(0);
    expect(await ordersWithLocalId(localIdOf(batch[2]!))).toBe(1);
    expect(await storedStatus(batch[1]!.id)).toBe('rejected');

    const next = await push(t, vendor, [mutation(vendor, 'create_order', createArgs([milk.id]))]);
    expect(next.body.results.map((result) => result.status)).toEqual(['applied']);
    expect(await lastSeqOf(vendor)).toBe(4);
    await expectDuplicates(vendor, batch, response.body.results);
    // The phone's pull agrees: the sequence moved past the refusal, whose order never existed.
    const { pages } = await pullAll(t, vendor);
    expect(pages.at(-1)!.last_seq).toBe(4);
    const pulled = pages.flatMap((page) => page.orders.map((order) => order.local_id));
    expect(pulled).toEqual(expect.arrayContaining([localIdOf(batch[0]!), localIdOf(batch[2]!)]));
    expect(pulled).not.toContain(localIdOf(batch[1]!));
  });

  it('rejects an update the database refuses between other changes of the same order', async () => {
    const vendor = await syncClient(t);
    const milk = await catalogProduct(t, { unitPrice: 500 });
    const args = createArgs([milk.id]);
    await push(t, vendor, [mutation(vendor, 'create_order', args)]);
    const batch = [
      mutation(vendor, 'update_order', { local_id: args.local_id, client_name: 'Boutique Ouédraogo' }),
      mutation(vendor, 'update_order', { local_id: args.local_id, client_name: POISON }),
      mutation(vendor, 'record_payment', { local_id: args.local_id, amount: 200, method: 'especes' }),
      mutation(vendor, 'cancel_order', { local_id: args.local_id }),
    ];
    const response = await push(t, vendor, batch);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.results.map((result) => result.status)).toEqual([
      'applied',
      'rejected',
      'applied',
      'applied',
    ]);
    const poisoned = response.body.results[1]!;
    expect(poisoned.reason).toMatchObject({ code: 'data_rejected', details: { sqlstate: 'P0001' } });
    // The rejection shows the order as the server has it (the first update applied, not this one).
    expect(poisoned.current).toMatchObject({ local_id: args.local_id, client_name: 'Boutique Ouédraogo' });
    expect(response.body.last_seq).toBe(5);
    const [row] = await t.db.select().from(orders).where(eq(orders.localId, args.local_id));
    expect(row).toMatchObject({
      clientName: 'Boutique Ouédraogo',
      paidAmount: 200,
      deliveryStatus: 'annulee',
    });
    await expectDuplicates(vendor, batch, response.body.results);
  });

  it('rejects a mutation whose outcome can’t be stored, and keeps nothing of what it did', async () => {
    const vendor = await syncClient(t);
    const milk = await catalogProduct(t);
    const args = createArgs([milk.id]);
    await push(t, vendor, [mutation(vendor, 'create_order', args)]);
    const edit = mutation(vendor, 'update_order', { local_id: args.local_id, client_name: 'Jamais gardé' });
    // The database refuses to store this one applied outcome: the failure comes after the
    // mutation's savepoint, when its transaction writes the result and the device's sequence.
    await t.db.execute(sql`
      CREATE TRIGGER test_refuse_outcome BEFORE INSERT ON sync_mutations
      FOR EACH ROW WHEN (NEW.id = ${sql.raw(`'${edit.id}'`)} AND NEW.status = 'applied')
      EXECUTE FUNCTION test_refuse_poison()`);
    const batch = [
      edit,
      mutation(vendor, 'record_payment', { local_id: args.local_id, amount: 100, method: 'especes' }),
    ];
    const response = await push(t, vendor, batch);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.results.map((result) => result.status)).toEqual(['rejected', 'applied']);
    expect(response.body.results[0]!.reason).toMatchObject({
      code: 'data_rejected',
      details: { sqlstate: 'P0001' },
    });
    expect(response.body.last_seq).toBe(3);
    const [row] = await t.db.select().from(orders).where(eq(orders.localId, args.local_id));
    expect(row).toMatchObject({ clientName: args.client_name, paidAmount: 100 });
    expect(await storedStatus(edit.id)).toBe('rejected');
    await expectDuplicates(vendor, batch, response.body.results);
  });

  it('rejects args refused by validation (a wrong type, a NUL, an unknown field) alone', async () => {
    const vendor = await syncClient(t);
    const milk = await catalogProduct(t);
    const batch = [
      mutation(vendor, 'create_order', createArgs([milk.id])),
      mutation(vendor, 'create_order', createArgs([milk.id], { client_name: 42 })),
      // Refused by the database today (a NUL can't be stored), by the shared schemas once every
      // client string refuses control characters: either way this mutation alone.
      mutation(vendor, 'create_order', createArgs([milk.id], { client_name: 'bad\u0000name' })),
      mutation(vendor, 'cancel_order', { local_id: randomUUID(), 'x\u0000': true }),
      mutation(vendor, 'create_order', createArgs([milk.id])),
    ];
    const response = await push(t, vendor, batch);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const [first, wrongType, nul, unknownField, last] = response.body.results;
    expect(first!.status).toBe('applied');
    expect(wrongType).toMatchObject({ status: 'rejected', reason: { code: 'validation_error' } });
    expect(nul!.status).toBe('rejected');
    expect(['validation_error', 'data_rejected']).toContain(nul!.reason!.code);
    expect(unknownField).toMatchObject({ status: 'rejected', reason: { code: 'validation_error' } });
    // The stored reason can't hold a NUL either: the one quoted from the key is replaced.
    expect(JSON.stringify(unknownField!.reason)).not.toContain('\\u0000');
    expect(last!.status).toBe('applied');
    expect(response.body.last_seq).toBe(5);
    expect(await ordersWithLocalId(localIdOf(batch[2]!))).toBe(0);

    const next = await push(t, vendor, [mutation(vendor, 'create_order', createArgs([milk.id]))]);
    expect(next.body.results.map((result) => result.status)).toEqual(['applied']);
    await expectDuplicates(vendor, batch, response.body.results);
  });

  it('still answers 503 with Retry-After when the database connection is lost, and stores nothing', async () => {
    const vendor = await syncClient(t);
    const milk = await catalogProduct(t);
    const args = createArgs([milk.id]);
    await push(t, vendor, [mutation(vendor, 'create_order', args)]);
    const cancel = [mutation(vendor, 'cancel_order', { local_id: args.local_id })];
    const failures = [
      // What node-postgres throws when the socket closes under a query (no SQLSTATE).
      new Error('Connection terminated unexpectedly'),
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      Object.assign(new Error('sorry, too many clients already'), { code: '53300' }),
    ];
    for (const failure of failures) {
      const spy = vi.spyOn(t.db, 'transaction').mockRejectedValue(failure);
      try {
        const failed = await push(t, vendor, cancel);
        expect(failed.status, failure.message).toBe(503);
        expect(failed.headers['retry-after']).toBeDefined();
        expect(failed.body.error.code).toBe('service_unavailable');
      } finally {
        spy.mockRestore();
      }
      expect(await storedStatus(cancel[0]!.id)).toBeUndefined();
      expect(await lastSeqOf(vendor)).toBe(1);
    }
    expect((await push(t, vendor, cancel)).body.results[0]!.status).toBe('applied');
  });
});

describe('what a failing mutation is stored as', () => {
  it('a bug is `mutation_failed`, refused data `data_rejected`, the database failing nothing (503)', () => {
    expect(faultReason(new TypeError("Cannot read properties of undefined (reading 'id')"))).toMatchObject({
      code: 'mutation_failed',
      message: expect.stringMatching(/Erreur du serveur/),
    });
    const nul = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), {
      code: '22021',
    });
    expect(faultReason(nul)).toMatchObject({ code: 'data_rejected', details: { sqlstate: '22021' } });
    const wrapped = Object.assign(new Error('Failed query'), { cause: { code: '22P05' } });
    expect(faultReason(wrapped)).toMatchObject({ code: 'data_rejected', details: { sqlstate: '22P05' } });
    for (const unavailable of [
      new Error('Connection terminated unexpectedly'),
      Object.assign(new Error('Failed query'), { cause: new Error('Connection terminated') }),
      Object.assign(new Error('admin shutdown'), { code: '57P01' }),
      Object.assign(new Error('too many clients'), { code: '53300' }),
      Object.assign(new Error('disk full'), { code: '53100' }),
      Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('could not serialize access'), { code: '40001' }),
    ]) {
      expect(faultReason(unavailable), unavailable.message).toBeUndefined();
    }
  });

  it('a reason keeps no character the database can’t store', () => {
    const reason = storableReason({
      code: 'validation_error',
      message: 'Unrecognized key: "x\u0000"',
      details: { fields: [{ field: 'args', message: 'half \ud800 pair' }] },
    });
    expect(reason.message).toBe('Unrecognized key: "x\ufffd"');
    expect(JSON.stringify(reason.details)).toContain('half \ufffd pair');
  });
});

import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { signedInUser } from '../../../test/factories.ts';
import { api, useTestApp } from '../../../test/harness.ts';
import { devices, payments } from '../../db/schema.ts';
import { catalogProduct, createArgs, mutation, push, syncClient } from './test-helpers.ts';

/** A vendor takes the money at the door: `record_payment` from their phone, on their own orders. */
describe('sync: payments recorded by vendors', () => {
  const t = useTestApp();

  it('applies a payment queued right behind the creation, recorded by the vendor from their phone', async () => {
    const vendor = await syncClient(t);
    const product = await catalogProduct(t, { unitPrice: 1250 });
    const create = createArgs([product.id]); // 2 × 1 250 = 2 500
    const response = await push(t, vendor, [
      mutation(vendor, 'create_order', create),
      mutation(vendor, 'record_payment', { local_id: create.local_id, amount: 1000, method: 'especes' }),
    ]);
    expect(response.status).toBe(200);
    expect(response.body.results.map((result) => result.status)).toEqual(['applied', 'applied']);
    expect(response.body.results[1]!.order).toMatchObject({ paid_amount: 1000, total_amount: 2500 });

    const manager = await signedInUser(t, 'gestionnaire_commandes');
    const orderId = response.body.results[0]!.order!.id;
    const detail = await api(t, 'GET', `/api/orders/${orderId}/`, { token: manager.token });
    const [device] = await t.db.select().from(devices).where(eq(devices.id, vendor.deviceId));
    expect(detail.body.payment_status).toBe('partielle');
    expect(detail.body.balance).toBe(1500);
    expect(detail.body.payments).toEqual([
      expect.objectContaining({
        amount: 1000,
        method: 'especes',
        recorded_by: vendor.user.id,
        recorded_by_name: 'Test vendeur',
        device_id: vendor.deviceId,
        device_name: device!.name,
      }),
    ]);
  });

  it('rejects a payment above the balance with a French reason and applies the rest of the batch', async () => {
    const vendor = await syncClient(t);
    const product = await catalogProduct(t, { unitPrice: 1000 });
    const create = createArgs([product.id]); // 2 000
    const other = createArgs([product.id]);
    const response = await push(t, vendor, [
      mutation(vendor, 'create_order', create),
      mutation(vendor, 'record_payment', { local_id: create.local_id, amount: 2500, method: 'especes' }),
      mutation(vendor, 'create_order', other),
      mutation(vendor, 'record_payment', {
        local_id: other.local_id,
        amount: 2000,
        method: 'orange_money',
        reference: 'OM241207.1405.B12345',
      }),
    ]);
    expect(response.body.results.map((result) => result.status)).toEqual([
      'applied',
      'rejected',
      'applied',
      'applied',
    ]);
    expect(response.body.results[1]!.reason).toMatchObject({
      code: 'validation_error',
      message: 'Le montant dépasse le solde restant (2 000)',
    });
    expect(response.body.results[1]!.current).toMatchObject({ paid_amount: 0, balance: 2000 });
    expect(response.body.results[3]!.order).toMatchObject({ paid_amount: 2000 });
    const rows = await t.db.select().from(payments).where(eq(payments.recordedBy, vendor.user.id));
    expect(rows.map((row) => row.amount)).toEqual([2000]);
  });

  it("rejects a payment on another vendor's order, which the phone can't see", async () => {
    const owner = await syncClient(t);
    const intruder = await syncClient(t);
    const product = await catalogProduct(t);
    const create = createArgs([product.id]);
    await push(t, owner, [mutation(owner, 'create_order', create)]);
    const response = await push(t, intruder, [
      mutation(intruder, 'record_payment', { local_id: create.local_id, amount: 100, method: 'especes' }),
    ]);
    expect(response.body.results[0]).toMatchObject({
      status: 'rejected',
      reason: { code: 'not_found', message: 'Commande introuvable' },
      current: null,
    });
    expect(await t.db.select().from(payments).where(eq(payments.recordedBy, intruder.user.id))).toEqual([]);
  });

  it('refuses a payment from a stock manager, who takes no money', async () => {
    const vendor = await syncClient(t);
    const stockManager = await syncClient(t, 'gestionnaire_stocks');
    const product = await catalogProduct(t);
    const create = createArgs([product.id]);
    await push(t, vendor, [mutation(vendor, 'create_order', create)]);
    const response = await push(t, stockManager, [
      mutation(stockManager, 'record_payment', { local_id: create.local_id, amount: 100, method: 'especes' }),
    ]);
    expect(response.body.results[0]).toMatchObject({ status: 'rejected', reason: { code: 'forbidden' } });
  });
});

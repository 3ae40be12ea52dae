import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payments } from '../../../apps/server/src/db/schema.ts';
import { signedInUser } from '../../../apps/server/test/factories.ts';
import { api, type TestApp } from '../../../apps/server/test/harness.ts';
import { ordersView, recordMutation } from '../src/index.ts';
import { catalogProduct, listeningTestApp, phoneDatabase, phoneEngine, vendorWithDevice } from './support.ts';

/** The phone at the customer's door, against the real server: money taken, a refused delivery. */
describe('sync engine: payments taken at the door and refused deliveries', () => {
  let t: TestApp;
  let baseUrl: string;

  beforeAll(async () => {
    ({ t, baseUrl } = await listeningTestApp());
  });
  afterAll(async () => {
    await t?.close();
  });

  async function phone() {
    const { user, device, token } = await vendorWithDevice(t);
    const db = phoneDatabase('door');
    let online = false;
    const engine = phoneEngine({
      db,
      deviceId: device.id,
      baseUrl,
      token,
      fetch: async (input, init) => {
        if (!online) throw new TypeError('fetch failed');
        return fetch(input, init);
      },
    });
    const setOnline = (value: boolean) => {
      online = value;
    };
    return { user, device, db, engine, setOnline };
  }

  const product = (unitPrice: number) => catalogProduct(t, { name: 'Yaourt', unit: 'pot', unitPrice });

  it('sends the payment queued with the order in one transaction, and shows it paid before and after', async () => {
    const yaourt = await product(500);
    const { user, device, db, engine, setOnline } = await phone();
    // The catalog first (its prices make the phone's totals), then the door, offline.
    setOnline(true);
    await engine.syncNow();
    setOnline(false);
    const localId = randomUUID();
    await db.transaction('rw', db.outbox, db.meta, async () => {
      await recordMutation(db, 'create_order', {
        local_id: localId,
        client_name: 'Maquis Wend-Kuuni',
        items: [{ product_id: yaourt.id, quantity: 3 }],
      });
      await recordMutation(db, 'record_payment', { local_id: localId, amount: 1000, method: 'especes' });
    });
    const [offline] = await ordersView(db);
    expect(offline).toMatchObject({ paid_amount: 1000, balance: 500, payment_status: 'partielle' });

    setOnline(true);
    await engine.syncNow();
    expect(engine.getState()).toMatchObject({ pending: 0, rejected: [], error: null });
    const [synced] = await ordersView(db);
    expect(synced).toMatchObject({ paid_amount: 1000, balance: 500, payment_status: 'partielle' });
    expect(synced!.number).toMatch(/^CMD-/);
    const rows = await t.db.select().from(payments).where(eq(payments.orderId, synced!.id));
    expect(rows).toEqual([
      expect.objectContaining({ amount: 1000, recordedBy: user.id, deviceId: device.id }),
    ]);
    engine.stop();
  });

  it('brings the depot’s refused delivery onto the order in the phone’s view', async () => {
    const yaourt = await product(300);
    const { db, engine, setOnline } = await phone();
    setOnline(true);
    const localId = randomUUID();
    await recordMutation(db, 'create_order', {
      local_id: localId,
      client_name: 'Boutique Yennenga',
      items: [{ product_id: yaourt.id, quantity: 5 }],
    });
    await engine.syncNow();
    const [sent] = await ordersView(db);
    expect(sent!.delivery_issue ?? null).toBeNull();

    const manager = await signedInUser(t, 'gestionnaire_commandes');
    for (const status of ['en_preparation', 'en_cours', 'livree']) {
      await api(t, 'PATCH', `/api/orders/${sent!.id}/status/`, { token: manager.token, body: { status } });
    }
    await engine.syncNow();
    const [after] = await ordersView(db);
    expect(after).toMatchObject({
      delivery_status: 'en_cours',
      delivery_issue: {
        code: 'insufficient_stock',
        message: expect.stringMatching(/^Stock insuffisant : Yaourt \w+ \(demandé : 5, disponible : 0\)$/),
      },
    });
    engine.stop();
  });
});

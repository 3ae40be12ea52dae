import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { letterTag, signedInUser } from '../../../apps/server/test/factories.ts';
import { api, type TestApp } from '../../../apps/server/test/harness.ts';
import {
  clientOrders,
  directoryClient,
  ordersView,
  overCreditLimit,
  recordMutation,
  recordNewClient,
  searchClients,
} from '../src/index.ts';
import { catalogProduct, listeningTestApp, phoneDatabase, phoneEngine, vendorWithDevice } from './support.ts';

describe('the client directory on the phone against the real server', () => {
  let t: TestApp;
  let baseUrl: string;
  let manager: string;

  beforeAll(async () => {
    ({ t, baseUrl } = await listeningTestApp());
    ({ token: manager } = await signedInUser(t, 'gestionnaire_commandes'));
  });
  afterAll(async () => {
    await t?.close();
  });

  async function phone() {
    const { device, token } = await vendorWithDevice(t);
    const db = phoneDatabase();
    const engine = phoneEngine({ db, deviceId: device.id, baseUrl, token });
    return { db, engine, token };
  }

  /** A client of the default site made on the dashboard, with a phone no other test uses. */
  async function serverClient(name: string, fields: { credit_limit?: number } = {}) {
    const phone = `7${String(Math.floor(Math.random() * 10_000_000)).padStart(7, '0')}`;
    const made = await api(t, 'POST', '/api/clients/', {
      token: manager,
      body: { name, phone, kind: 'maquis', ...fields },
    });
    expect(made.status).toBe(201);
    return made.body as { id: string; name: string; phone: string };
  }

  it('finds pulled clients offline by name whatever the accents and case, or by phone digits, with their balance', async () => {
    const client = await serverClient(`Maquis Chez Adèle ${letterTag()}`, { credit_limit: 500 });
    const product = await catalogProduct(t, { unitPrice: 400 });
    const { db, engine } = await phone();
    await recordMutation(db, 'create_order', {
      local_id: randomUUID(),
      client_id: client.id,
      client_name: client.name,
      items: [{ product_id: product.id, quantity: 2 }],
    });
    await engine.syncNow();
    expect(engine.getState().error).toBeNull();

    const byName = await searchClients(db, client.name.toUpperCase().replace('È', 'E'));
    expect(byName.map((found) => found.id)).toEqual([client.id]);
    const digits = client.phone.slice(-6);
    const byPhone = await searchClients(db, `${digits.slice(0, 2)} ${digits.slice(2)}`);
    expect(byPhone.map((found) => found.id)).toContain(client.id);
    // A name with digits is a name: those digits in a phone don't make a match.
    expect(await searchClients(db, `Boutique ${digits}`)).toEqual([]);
    expect(byName[0]).toMatchObject({ balance: 800, credit_limit: 500, local: false });
    expect(overCreditLimit(byName[0]!)).toBe(true);
    expect((await clientOrders(db, client.id)).map((order) => order.total_amount)).toEqual([800]);
  });

  it('shows a client made offline at once, and once synced the server holds it with its order', async () => {
    const product = await catalogProduct(t, { unitPrice: 300 });
    const { db, engine, token } = await phone();
    const id = randomUUID();
    const name = `Boutique Wendé ${letterTag()}`;
    await recordNewClient(db, { id, name, kind: 'boutique', area: 'Gounghin' });
    await recordMutation(db, 'create_order', {
      local_id: randomUUID(),
      client_id: id,
      client_name: name,
      items: [{ product_id: product.id, quantity: 1 }],
    });
    expect(await searchClients(db, 'boutique wende')).toEqual([
      expect.objectContaining({ id, name, local: true, balance: 0 }),
    ]);
    expect((await clientOrders(db, id)).map((order) => order.client_name)).toEqual([name]);

    await engine.syncNow();
    expect(engine.getState().error).toBeNull();
    const stored = await api(t, 'GET', `/api/clients/${id}/`, { token });
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({ name, area: 'Gounghin' });
    expect(await db.outbox.count()).toBe(0);
    expect(await directoryClient(db, id)).toMatchObject({ id, local: false, balance: 300 });
    const [order] = await ordersView(db);
    expect(order).toMatchObject({ client_id: id, client_name: name });
  });

  it('attaches a new client whose phone the site already has, and its order, to the existing client', async () => {
    const existing = await serverClient(`Maquis Le Baobab ${letterTag()}`);
    const product = await catalogProduct(t, { unitPrice: 250 });
    const { db, engine } = await phone();
    const mine = randomUUID();
    // The same number as the dashboard's, typed another way.
    const typed = existing.phone.replace('+226', '00226 ');
    await recordNewClient(db, { id: mine, name: 'Baobab', phone: typed });
    const localId = randomUUID();
    await recordMutation(db, 'create_order', {
      local_id: localId,
      client_id: mine,
      client_name: 'Baobab',
      client_phone: typed,
      items: [{ product_id: product.id, quantity: 4 }],
    });

    await engine.syncNow();
    expect(engine.getState().error).toBeNull();
    const [order] = await ordersView(db);
    expect(order).toMatchObject({ local_id: localId, client_id: existing.id });
    expect((await searchClients(db, 'baobab')).map((found) => found.id)).toEqual([existing.id]);
    expect(await directoryClient(db, existing.id)).toMatchObject({ balance: 1_000 });
    const onServer = await api(t, 'GET', `/api/orders/${order!.id}/`, { token: manager });
    expect(onServer.body).toMatchObject({ client_id: existing.id });
  });

  it('finds a client the next pull brings after a first search, and the same client once renamed', async () => {
    const tag = letterTag();
    await serverClient(`Maquis Premier ${tag}`);
    const { db, engine } = await phone();
    await engine.syncNow();
    expect((await searchClients(db, tag)).map((found) => found.name)).toEqual([`Maquis Premier ${tag}`]);

    const later = await serverClient(`Boutique Suivante ${tag}`);
    expect(await searchClients(db, `suivante ${tag}`)).toEqual([]);
    await engine.syncNow();
    expect((await searchClients(db, `SUIVANTE ${tag}`)).map((found) => found.id)).toEqual([later.id]);

    const renamed = await api(t, 'PUT', `/api/clients/${later.id}/`, {
      token: manager,
      body: { name: `Boutique Renommée ${tag}` },
    });
    expect(renamed.status).toBe(200);
    await engine.syncNow();
    expect(await searchClients(db, `suivante ${tag}`)).toEqual([]);
    expect((await searchClients(db, `renommee ${tag}`)).map((found) => found.id)).toEqual([later.id]);
  });

  it('drops a client the site deactivated at the next pull', async () => {
    const client = await serverClient(`Revendeur Koudougou ${letterTag()}`);
    const { db, engine } = await phone();
    await engine.syncNow();
    expect((await searchClients(db, client.name)).map((found) => found.id)).toEqual([client.id]);
    const gone = await api(t, 'POST', `/api/clients/${client.id}/deactivate/`, { token: manager, body: {} });
    expect(gone.status).toBeLessThan(300);
    await engine.syncNow();
    expect(await searchClients(db, client.name)).toEqual([]);
  });
});

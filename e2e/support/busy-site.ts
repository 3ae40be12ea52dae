import { oggOpus } from '../../apps/server/test/ogg-opus.ts';
import { type SeedApi, type SeededProduct, type SeededUser, seedOrder, seedProduct, unique } from './api.ts';

/** A day `days` from today, `YYYY-MM-DD` (Ouagadougou is on UTC all year). */
function dayFromToday(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

export type BusySite = {
  vendor: SeededUser;
  manager: SeededUser;
  products: SeededProduct[];
  /** One order per status (and payment state) the screens show. */
  orders: {
    fresh: { id: string; number: string };
    preparing: { id: string; number: string };
    onTheWay: { id: string; number: string };
    delivered: { id: string; number: string };
    /** On its way, its delivery refused for lack of stock. */
    short: { id: string; number: string };
    cancelled: { id: string; number: string };
  };
  /** A phone that signed in and was then revoked, and one still in service. */
  devices: { revoked: string; inService: string };
  /** A directory client with a phone, an area and a credit limit. */
  client: { id: string; name: string };
};

/**
 * A site in the middle of a working day, seeded through the API: a few users, a category,
 * products with a lot expiring in two days and one under its threshold, orders from a vendor in
 * every status (one paid in part and with a voice note, one paid in full), unread notifications
 * for the managers, a revoked phone and one in service. The screens are checked against this, not
 * against empty lists.
 */
export async function seedBusySite(api: SeedApi): Promise<BusySite> {
  const vendor = await api.createUser('vendeur', { fullName: 'Awa Ouédraogo' });
  const manager = await api.createUser('gestionnaire_commandes', { fullName: 'Issa Compaoré' });
  await api.createUser('gestionnaire_stocks', { fullName: 'Mariam Sawadogo' });

  const category = await api.call('POST', '/api/categories/', {
    name: `Yaourts ${unique('')}`,
    description: 'Yaourts nature et sucrés',
  });
  const yaourt = await seedProduct(api, { name: `Yaourt nature ${unique('')}`, price: 250, stock: 400 });
  await api.call('PUT', `/api/products/${yaourt.id}/`, { category_id: category.id });
  const lait = await seedProduct(api, { name: `Lait caillé ${unique('')}`, price: 600, threshold: 50 });
  // A lot that expires in two days, and too little stock: the product is under its threshold.
  await api.call('POST', '/api/stock/entry/', {
    reference: 'BL-EXPIRE',
    items: [{ product_id: lait.id, quantity: 30, expiry_date: dayFromToday(2) }],
  });
  const dege = await seedProduct(api, { name: `Dégué ${unique('')}`, price: 400, stock: 120, threshold: 10 });
  const products = [yaourt, lait, dege];

  const vendorToken = (await api.login(vendor.username, vendor.password)).access_token;
  const order = (client: string, quantity: number, priority: 'basse' | 'moyenne' | 'haute' = 'moyenne') =>
    seedOrder(
      api,
      [
        { product_id: yaourt.id, quantity },
        { product_id: dege.id, quantity: 2 },
      ],
      { clientName: client, token: vendorToken, priority, deliveryDate: dayFromToday(1) },
    );
  const setStatus = async (id: string, ...statuses: string[]) => {
    for (const status of statuses) await api.call('PATCH', `/api/orders/${id}/status/`, { status });
  };
  const fresh = await order('Maquis Le Sahel', 6, 'haute');
  const preparing = await order('Alimentation Zida', 12);
  await setStatus(preparing.id, 'en_preparation');
  const onTheWay = await order('Boutique Wendkuni', 8, 'basse');
  await setStatus(onTheWay.id, 'en_preparation', 'en_cours');
  await api.call('PATCH', `/api/orders/${onTheWay.id}/payment/`, {
    amount: 1000,
    method: 'orange_money',
    reference: 'OM-123456',
  });
  // The vendor left a voice note on it (the list marks it, the detail plays it).
  await uploadVoiceNote(api, onTheWay.id, vendorToken);
  const delivered = await order('Restaurant La Savane', 10);
  await setStatus(delivered.id, 'en_preparation', 'en_cours', 'livree');
  await api.call('PATCH', `/api/orders/${delivered.id}/payment/`, {
    amount: delivered.total_amount,
    method: 'especes',
  });
  // More than the depot holds: its delivery is refused, and the phone's card says why.
  const short = await seedOrder(api, [{ product_id: lait.id, quantity: 45 }], {
    clientName: 'Épicerie Nongtaaba',
    token: vendorToken,
  });
  await setStatus(short.id, 'en_preparation', 'en_cours');
  await api.call('PATCH', `/api/orders/${short.id}/status/`, { status: 'livree' }).then(
    () => {
      throw new Error('the short order was delivered');
    },
    (error: Error) => {
      if (!/409.*insufficient_stock/.test(error.message)) throw error;
    },
  );
  const cancelled = await order('Kiosque du Marché', 3);
  await setStatus(cancelled.id, 'annulee');

  const client = await api.call('POST', '/api/clients/', {
    name: 'Maquis Le Sahel',
    phone: '70 55 44 33',
    kind: 'maquis',
    area: 'Secteur 10',
    credit_limit: 5000,
  });

  const revoked = await signInDevice(api, vendor, 'Tecno Spark — ancien');
  await api.call('POST', `/api/devices/${revoked}/revoke/`);
  const inService = await signInDevice(api, vendor, 'Tecno Spark 10');

  return {
    vendor,
    manager,
    products,
    orders: { fresh, preparing, onTheWay, delivered, short, cancelled },
    devices: { revoked, inService },
    client: { id: client.id, name: client.name },
  };
}

async function uploadVoiceNote(api: SeedApi, orderId: string, token: string): Promise<void> {
  const response = await fetch(
    `${api.baseUrl}/api/voice-notes/${crypto.randomUUID()}/?order_id=${orderId}&duration_ms=3000`,
    {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'audio/ogg;codecs=opus' },
      body: new Uint8Array(oggOpus({ seconds: 3 })),
    },
  );
  if (!response.ok) throw new Error(`voice note → ${response.status} ${await response.text()}`);
}

/** A phone signing in registers itself as a device; returns the device's id. */
async function signInDevice(api: SeedApi, user: SeededUser, name: string): Promise<string> {
  const response = await fetch(`${api.baseUrl}/api/auth/login/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      username: user.username,
      password: user.password,
      device_serial: unique('SN-'),
      device_name: name,
    }),
  });
  if (!response.ok) throw new Error(`device login → ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { user: { device_id: string | null } };
  if (!body.user.device_id) throw new Error('the login registered no device');
  return body.user.device_id;
}

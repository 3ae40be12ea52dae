import { ErrorBodySchema } from '@gapal/shared';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectRows } from '../src/db/client.ts';
import { createOrderAs, createProduct, orderBody } from '../src/features/orders/test-helpers.ts';
import { receive } from '../src/features/stock/test-helpers.ts';
import { createUser, signedInUser } from './factories.ts';
import { api, useTestApp } from './harness.ts';

/**
 * A NUL (or any other control character) in text used to reach PostgreSQL, which refuses it:
 * 500 on about fifteen endpoints, and a CSV download cut mid-body. It is now a 400 naming the
 * field, before anything is read or written.
 */

const WRITTEN_TABLES = [
  'users',
  'sites',
  'devices',
  'refresh_tokens',
  'categories',
  'products',
  'lots',
  'stock_movements',
  'orders',
  'order_items',
  'payments',
  'audit_log',
];

describe('a control character in text', () => {
  const t = useTestApp();
  let token: string;
  let productId: string;
  let lotId: string;
  let userId: string;

  beforeAll(async () => {
    ({ token } = await signedInUser(t, 'admin', { siteId: t.defaultSiteId }));
    productId = (await createProduct(t)).id;
    const movements = await receive(t, token, [
      { product_id: productId, quantity: 20, expiry_date: '2099-12-31' },
    ]);
    lotId = movements[0]!.lot_id;
    userId = (await createUser(t, 'vendeur')).id;
  });

  async function rowCounts(): Promise<Record<string, number>> {
    const columns = WRITTEN_TABLES.map((table) => `(SELECT count(*) FROM ${table})::int AS ${table}`);
    const [row] = await selectRows<Record<string, number>>(t.db, sql.raw(`SELECT ${columns.join(', ')}`));
    return row!;
  }

  type Case = {
    name: string;
    method: 'GET' | 'POST' | 'PUT';
    url: () => string;
    body?: () => unknown;
    field: string;
    signedIn?: boolean;
  };

  const cases: Case[] = [
    {
      name: 'the login, before any account is read',
      method: 'POST',
      url: () => '/api/auth/login/',
      body: () => ({ username: 'a\u0000b', password: 'x' }),
      field: 'username',
      signedIn: false,
    },
    { name: 'the orders search', method: 'GET', url: () => '/api/orders/?search=%00', field: 'search' },
    { name: 'the users search', method: 'GET', url: () => '/api/users/?search=%00', field: 'search' },
    { name: 'the audit filter', method: 'GET', url: () => '/api/audit/?entity=%00', field: 'entity' },
    {
      name: 'the movements filter',
      method: 'GET',
      url: () => '/api/stock/movements/?reference=%00',
      field: 'reference',
    },
    {
      name: 'the orders CSV report (it answered 200, then cut the download)',
      method: 'GET',
      url: () => '/api/reports/orders/csv/?search=%00',
      field: 'search',
    },
    {
      name: 'a new category',
      method: 'POST',
      url: () => '/api/categories/',
      body: () => ({ name: 'Lait\u0000caillé' }),
      field: 'name',
    },
    {
      name: 'a new product',
      method: 'POST',
      url: () => '/api/products/',
      body: () => ({ name: 'Yaourt', unit: 'pot\u0000', unit_price: 300 }),
      field: 'unit',
    },
    {
      name: 'a new site',
      method: 'POST',
      url: () => '/api/sites/',
      body: () => ({ name: 'Dépôt', code: 'NUL1', address: 'Secteur 5\u0000' }),
      field: 'address',
    },
    {
      name: "a user's name",
      method: 'PUT',
      url: () => `/api/users/${userId}/`,
      body: () => ({ full_name: 'Awa\u0000' }),
      field: 'full_name',
    },
    {
      name: "a new order's client",
      method: 'POST',
      url: () => '/api/orders/',
      body: () => orderBody([productId], { client_name: 'Awa\u0000' }),
      field: 'client_name',
    },
    {
      name: "a new order's notes (DEL)",
      method: 'POST',
      url: () => '/api/orders/',
      body: () => orderBody([productId], { notes: 'Livrer\u007f' }),
      field: 'notes',
    },
    {
      name: "a new order's client (a tab: single-line text)",
      method: 'POST',
      url: () => '/api/orders/',
      body: () => orderBody([productId], { client_name: 'Awa\tOuédraogo' }),
      field: 'client_name',
    },
    {
      name: "a stock exit's reason",
      method: 'POST',
      url: () => '/api/stock/exit/',
      body: () => ({ reason: 'casse\u0000', items: [{ product_id: productId, quantity: 1 }] }),
      field: 'reason',
    },
    {
      name: "a stock adjustment's reason (ESC)",
      method: 'POST',
      url: () => '/api/stock/adjustment/',
      body: () => ({ reason: 'inventaire\u001b', items: [{ lot_id: lotId, counted_quantity: 5 }] }),
      field: 'reason',
    },
  ];

  it.each(cases)('in $name answers 400 naming the field and writes nothing', async (testCase) => {
    const before = await rowCounts();
    const response = await api(t, testCase.method, testCase.url(), {
      ...(testCase.signedIn === false ? {} : { token }),
      ...(testCase.body ? { body: testCase.body() } : {}),
    });

    expect(response.status, JSON.stringify(response.body)).toBe(400);
    expect(String(response.headers['content-type'])).toContain('application/json');
    const { error } = ErrorBodySchema.parse(response.body);
    expect(error.code).toBe('validation_error');
    expect(error.message).toBe(`Données invalides : ${testCase.field}`);
    expect(error.details).toEqual({
      // The French message, and the code and parameters a client writes in its own language.
      fields: [
        {
          field: testCase.field,
          message: 'caractère de contrôle interdit',
          code: 'control_character',
          params: {},
        },
      ],
    });
    expect(await rowCounts()).toEqual(before);
  });

  it('leaves tab and line breaks in notes and addresses, trimmed at the ends only', async () => {
    const notes = 'Livrer avant 10 h\tporte bleue\nAppeler en arrivant\r\nMerci';
    const order = await createOrderAs(t, token, [productId], {
      notes: `\n${notes}\t`,
      delivery_address: 'Secteur 5\nRue 12',
    });
    expect(order.notes).toBe(notes);
    expect(order.delivery_address).toBe('Secteur 5\nRue 12');
    const read = await api(t, 'GET', `/api/orders/${order.id}/`, { token });
    expect(read.body.notes).toBe(notes);
  });

  it('leaves French and Mooré text, accents and emoji alike', async () => {
    const clientName = `Zẽnaabo Kaboré ɛ ɔ ŋ ʋ 🐄 ${Date.now()}`;
    const notes = 'Yʋʋm-kãngã: lait caillé, dèguè — 2 sachets 🥛';
    const order = await createOrderAs(t, token, [productId], { client_name: clientName, notes });
    expect(order.client_name).toBe(clientName);
    expect(order.notes).toBe(notes);

    const found = await api(t, 'GET', `/api/orders/?search=${encodeURIComponent(clientName)}`, { token });
    expect(found.status).toBe(200);
    expect(found.body.items.map((item: { id: string }) => item.id)).toEqual([order.id]);

    const category = await api(t, 'POST', '/api/categories/', {
      token,
      body: { name: `Dèguè ɛŋ ${Date.now()}`, description: 'Mil et lait caillé\nservi frais' },
    });
    expect(category.status).toBe(201);
    expect(category.body.description).toBe('Mil et lait caillé\nservi frais');
  });
});

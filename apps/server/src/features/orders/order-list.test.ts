import { randomUUID } from 'node:crypto';
import { OrderListQuerySchema, OrderSummarySchema, pageOf } from '@gapal/shared';
import { eq, inArray, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSite, signedInUser } from '../../../test/factories.ts';
import { api, useTestApp } from '../../../test/harness.ts';
import { oggOpus } from '../../../test/ogg-opus.ts';
import { selectRows } from '../../db/client.ts';
import { orders } from '../../db/schema.ts';
import { orderCountStatement, orderListStatement } from './order-list.repo.ts';
import { searchIndexWord, searchWords } from './order-search.repo.ts';
import { actorOf, createOrderAs, createProduct, isoDay } from './test-helpers.ts';

type Summary = {
  id: string;
  priority: string;
  total_amount: number;
  has_voice_note: boolean;
  delivery_date: string | null;
  created_at: string;
  delivery_status: string;
  created_by: string;
  client_name: string;
  number: string;
};

type SignedIn = Awaited<ReturnType<typeof signedInUser>>;

describe('order list', () => {
  const t = useTestApp();
  const ctx = {} as {
    siteId: string;
    vendorA: SignedIn;
    vendorB: SignedIn;
    manager: SignedIn;
    admin: { token: string };
    ids: string[];
  };

  beforeAll(async () => {
    const site = await createSite(t);
    ctx.siteId = site.id;
    ctx.vendorA = await signedInUser(t, 'vendeur', { siteId: site.id });
    ctx.vendorB = await signedInUser(t, 'vendeur', { siteId: site.id });
    ctx.manager = await signedInUser(t, 'gestionnaire_commandes', { siteId: site.id });
    ctx.admin = await signedInUser(t, 'admin', { siteId: null });
    const product = await createProduct(t, { unitPrice: 100 });
    const priorities = ['basse', 'moyenne', 'haute'];
    ctx.ids = [];
    for (let i = 0; i < 13; i += 1) {
      const token = i % 3 === 0 ? ctx.vendorB.token : ctx.vendorA.token;
      const order = await createOrderAs(t, token, [product.id], {
        // Text JSON must escape (the list writes its JSON in SQL): quotes, backslash, control
        // characters, accents and a character outside the BMP.
        client_name: i === 4 ? 'Mariam Zongo' : i === 6 ? 'Awa "la Reine" \\ Ouédraogo 🐄' : `Client ${i}`,
        ...(i === 6 ? { notes: 'Livrer\tavant 10 h\nSonner 2×', delivery_address: 'Secteur 3' } : {}),
        client_phone: i === 5 ? '+226 76 99 88 77' : '70000000',
        priority: priorities[i % 3],
        delivery_date: i % 4 === 0 ? null : isoDay(1 + (i % 5)),
        items: [{ product_id: product.id, quantity: 1 + ((i * 7) % 5) }],
      });
      ctx.ids.push(order.id);
    }
    // The API refuses control characters now; rows written before it may still hold one.
    await t.db
      .update(orders)
      .set({ deliveryAddress: 'Secteur 3\u0001 « porte bleue »' })
      .where(eq(orders.id, ctx.ids[6]!));
    // Same creation instant (to the microsecond) for several rows: ties must page by id.
    await t.db
      .update(orders)
      .set({ createdAt: sql`'2030-01-01 10:00:00.123456+00'::timestamptz` })
      .where(inArray(orders.id, ctx.ids.slice(2, 7)));
    const manager = ctx.manager.token;
    for (const id of ctx.ids.slice(0, 3)) {
      await api(t, 'PATCH', `/api/orders/${id}/status/`, {
        token: manager,
        body: { status: 'en_preparation' },
      });
    }
    await api(t, 'PATCH', `/api/orders/${ctx.ids[3]}/payment/`, {
      token: manager,
      body: { amount: 50, method: 'especes' },
    });
  });

  async function allPages(token: string, query: string, limit = 4): Promise<Summary[]> {
    const seen: Summary[] = [];
    let cursor: string | null = null;
    for (let guard = 0; guard < 50; guard += 1) {
      const url: string = `/api/orders/?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`;
      const response = await api(t, 'GET', url, { token });
      expect(response.status, url).toBe(200);
      seen.push(...response.body.items);
      cursor = response.body.next_cursor;
      if (!cursor) return seen;
    }
    throw new Error('pagination did not end');
  }

  const PRIORITY_RANK: Record<string, number> = { basse: 0, moyenne: 1, haute: 2 };
  const keyOf: Record<string, (o: Summary) => string | number> = {
    created_at: (o) => o.created_at,
    delivery_date: (o) => o.delivery_date ?? '9999-12-31',
    priority: (o) => PRIORITY_RANK[o.priority]!,
    total_amount: (o) => o.total_amount,
    delivery_status: (o) =>
      ['nouvelle', 'en_preparation', 'en_cours', 'livree', 'annulee'].indexOf(o.delivery_status),
  };

  /**
   * Each row after the one before in the sort; ties broken by creation (newest first when
   * descending), then by id, in the same direction.
   */
  function expectSorted(rows: Summary[], sort: string, direction: string): void {
    const sign = direction === 'asc' ? 1 : -1;
    const tieBreaks: ((o: Summary) => string | number)[] = [(o) => o.created_at, (o) => o.id];
    for (let i = 1; i < rows.length; i += 1) {
      for (const keyOfRow of [keyOf[sort]!, ...tieBreaks]) {
        const a = keyOfRow(rows[i - 1]!);
        const b = keyOfRow(rows[i]!);
        if (a === b) continue;
        expect((a < b ? -1 : 1) * sign, `${sort} ${direction} at ${i}`).toBe(-1);
        break;
      }
    }
  }

  for (const sort of Object.keys(keyOf)) {
    for (const direction of ['asc', 'desc']) {
      it(`pages through every order exactly once sorted by ${sort} ${direction}`, async () => {
        const rows = await allPages(
          ctx.manager.token,
          `site_id=${ctx.siteId}&sort=${sort}&direction=${direction}`,
        );
        expect(rows.map((r) => r.id).sort()).toEqual([...ctx.ids].sort());
        expectSorted(rows, sort, direction);
      });
    }
  }

  // One vendor's list reads its own index (ordered by the vendor first): the pages still hold
  // each of the vendor's orders once, in the order asked.
  for (const direction of ['asc', 'desc']) {
    it(`pages through one vendor's orders exactly once, by creation ${direction}`, async () => {
      const own = await allPages(ctx.vendorA.token, `sort=created_at&direction=${direction}`, 3);
      const filtered = await allPages(
        ctx.manager.token,
        `created_by=${ctx.vendorB.user.id}&sort=created_at&direction=${direction}`,
        2,
      );
      for (const [rows, vendor, count] of [
        [own, ctx.vendorA, 8],
        [filtered, ctx.vendorB, 5],
      ] as const) {
        expect(rows).toHaveLength(count);
        expect(new Set(rows.map((row) => row.id)).size).toBe(count);
        expect(rows.every((row) => row.created_by === vendor.user.id)).toBe(true);
        expectSorted(rows, 'created_at', direction);
      }
    });
  }

  it('reads one vendor’s orders by the vendor first, whoever asks', () => {
    // At a site's real volume every plan is fast; on a million orders (bench/RESULTS.md) the
    // generic plan of `created_by = $n` read the whole site for a vendor with few orders.
    const statement = (user: SignedIn, query: Record<string, string>) =>
      orderListStatement(t.db, actorOf(user.user), OrderListQuerySchema.parse(query), 'Africa/Ouagadougou');
    expect(statement(ctx.manager, {}).sql).not.toContain('"orders"."created_by" = ANY(');
    for (const [user, query] of [
      [ctx.vendorA, { delivery_status: 'en_cours' }],
      [ctx.manager, { created_by: ctx.vendorB.user.id }],
    ] as const) {
      const byVendor = statement(user, query).sql;
      expect(byVendor).toContain('"orders"."created_by" = ANY(');
      expect(byVendor).toContain('order by "orders"."created_by" asc nulls last, "orders"."created_at" desc');
    }
  });

  it('shows vendors their own orders only, managers their site, admin all', async () => {
    const mine = await allPages(ctx.vendorA.token, 'sort=created_at', 200);
    expect(mine.length).toBe(8);
    expect(mine.every((o) => o.created_by === ctx.vendorA.user.id)).toBe(true);
    // A vendor filtering on another vendor still sees only their own (none).
    const other = await api(t, 'GET', `/api/orders/?created_by=${ctx.vendorB.user.id}`, {
      token: ctx.vendorA.token,
    });
    expect(other.body.items).toEqual([]);
    const siteRows = await allPages(ctx.manager.token, 'sort=created_at', 200);
    expect(siteRows.length).toBe(13);
    const foreign = await signedInUser(t, 'gestionnaire_commandes');
    const foreignRows = await api(t, 'GET', '/api/orders/', { token: foreign.token });
    expect(foreignRows.body.items.some((o: Summary) => ctx.ids.includes(o.id))).toBe(false);
    const asked = await api(t, 'GET', `/api/orders/?site_id=${ctx.siteId}`, { token: foreign.token });
    expect(asked.status).toBe(404);
    const adminRows = await api(t, 'GET', `/api/orders/?site_id=${ctx.siteId}&limit=200`, {
      token: ctx.admin.token,
    });
    expect(adminRows.body.items).toHaveLength(13);
  });

  it('lists the vendors the list filters by: the site’s for a manager, any site’s for the admin', async () => {
    const vendorIds = [ctx.vendorA.user.id, ctx.vendorB.user.id].sort();
    const forManager = await api(t, 'GET', '/api/orders/vendors/', { token: ctx.manager.token });
    expect(forManager.status).toBe(200);
    expect(forManager.body.map((v: { id: string }) => v.id).sort()).toEqual(vendorIds);
    expect(forManager.body[0]).toMatchObject({ site_id: ctx.siteId, is_active: true });
    expect(typeof forManager.body[0].full_name).toBe('string');
    const forAdmin = await api(t, 'GET', `/api/orders/vendors/?site_id=${ctx.siteId}`, {
      token: ctx.admin.token,
    });
    expect(forAdmin.body.map((v: { id: string }) => v.id).sort()).toEqual(vendorIds);
    // A vendor of another site: that site's manager sees them (and not ours); the admin sees all.
    const elsewhere = await signedInUser(t, 'vendeur');
    const foreign = await signedInUser(t, 'gestionnaire_commandes');
    const everywhere = await api(t, 'GET', '/api/orders/vendors/', { token: ctx.admin.token });
    const everyId = everywhere.body.map((v: { id: string }) => v.id);
    expect(everyId).toEqual(expect.arrayContaining([...vendorIds, elsewhere.user.id]));
    const theirs = await api(t, 'GET', '/api/orders/vendors/', { token: foreign.token });
    const theirIds = theirs.body.map((v: { id: string }) => v.id);
    expect(theirIds).toContain(elsewhere.user.id);
    expect(theirIds.some((id: string) => vendorIds.includes(id))).toBe(false);
    const asked = await api(t, 'GET', `/api/orders/vendors/?site_id=${ctx.siteId}`, { token: foreign.token });
    expect(asked.status).toBe(404);
    // Vendors see only their own orders: there is nothing to pick from.
    const forVendor = await api(t, 'GET', '/api/orders/vendors/', { token: ctx.vendorA.token });
    expect(forVendor.status).toBe(403);
    expect(forVendor.body.error.code).toBe('forbidden');
    const bad = await api(t, 'GET', '/api/orders/vendors/?site_id=nope', { token: ctx.admin.token });
    expect(bad.status).toBe(400);
  });

  it('filters and counts', async () => {
    const token = ctx.manager.token;
    const check = async (query: string, expected: number) => {
      const list = await allPages(token, query, 200);
      const count = await api(t, 'GET', `/api/orders/count/?${query}`, { token });
      expect(list.length, query).toBe(expected);
      expect(count.body, query).toEqual({ count: expected, capped: false });
      return list;
    };
    await check('delivery_status=en_preparation', 3);
    await check('delivery_status=nouvelle', 10);
    await check('payment_status=partielle', 1);
    await check('priority=haute', 4);
    await check(`created_by=${ctx.vendorB.user.id}`, 5);
    const named = await check('search=zongo', 1);
    expect(named[0]!.client_name).toBe('Mariam Zongo');
    await check('search=ZONGO', 1);
    await check('search=ou%C3%A9draogo', 1);
    // The search index reads name, phone and number as one text; text spanning two is no match.
    await check('search=zongo%2070', 0);
    await check('search=99%2088', 1);
    const byNumber = await allPages(token, 'sort=created_at', 200);
    await check(`search=${byNumber[0]!.number}`, 1);
    await check(
      `delivery_from=${isoDay(2)}&delivery_to=${isoDay(3)}`,
      byNumber.filter((o) => o.delivery_date && o.delivery_date >= isoDay(2) && o.delivery_date <= isoDay(3))
        .length,
    );
    // One bound only: an order without a delivery date is in no range.
    await check(
      `delivery_from=${isoDay(2)}`,
      byNumber.filter((o) => o.delivery_date && o.delivery_date >= isoDay(2)).length,
    );
    await check(
      `delivery_to=${isoDay(3)}`,
      byNumber.filter((o) => o.delivery_date && o.delivery_date <= isoDay(3)).length,
    );
    await check('from=2030-01-01&to=2030-01-01', 5);
    await check('from=2031-01-01', 0);
    await check('search=%25', 0);
  });

  it('counts up to 10 000 orders, then says there are more', async () => {
    const site = await createSite(t);
    const manager = await signedInUser(t, 'gestionnaire_commandes', { siteId: site.id });
    const seed = (from: number, to: number) =>
      t.db.execute(sql`
        INSERT INTO orders (local_id, number, site_id, created_by, client_name, total_amount)
        SELECT gen_random_uuid(), 'CAP-' || g, ${site.id}, ${manager.user.id},
               CASE WHEN g % 1000 = 0 THEN 'Rare ' || g ELSE 'Client ' || g END, 100
        FROM generate_series(${from}::int, ${to}::int) AS g`);
    const count = async (query: string) =>
      (await api(t, 'GET', `/api/orders/count/?${query}`, { token: manager.token })).body;
    await seed(1, 10_000);
    expect(await count('')).toEqual({ count: 10_000, capped: false });
    await seed(10_001, 10_001);
    expect(await count('')).toEqual({ count: 10_000, capped: true });
    expect(await count('delivery_status=nouvelle')).toEqual({ count: 10_000, capped: true });
    // Under the cap, exact: a search, another status.
    expect(await count('search=rare')).toEqual({ count: 10, capped: false });
    expect(await count('delivery_status=livree')).toEqual({ count: 0, capped: false });
    const page = await api(t, 'GET', '/api/orders/?search=rare&limit=200', { token: manager.token });
    expect(page.body.items.map((o: Summary) => o.client_name).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `Rare ${(i + 1) * 1000}`).sort(),
    );
    // Several words: the index reads the one found in the fewest of the newest orders (every
    // order holds `client`; no statistics needed), and the orders found are checked against the
    // whole text.
    expect(await searchIndexWord(t.db, 'Client 1234')).toBe('1234');
    const named = await api(t, 'GET', '/api/orders/?search=client%201234', { token: manager.token });
    expect(named.body.items.map((o: Summary) => o.client_name)).toEqual(['Client 1234']);
    expect(await count('search=client%201234')).toEqual({ count: 1, capped: false });
    expect(await count('search=1234%20client')).toEqual({ count: 0, capped: false });
  });

  it('gives the search index the words of three characters or more', () => {
    expect(searchWords('Client  1234 client')).toEqual(['client', '1234']);
    expect(searchWords('70 12 34')).toEqual([]);
    expect(searchWords('Zongo')).toEqual(['zongo']);
    expect(searchWords('aaa bbbb ccc ddddd eee ffffff ggg')).toEqual(['ffffff', 'ddddd', 'bbbb', 'aaa']);
  });

  it('gives the search index the word found in the fewest of the newest orders', async () => {
    const site = await createSite(t);
    const manager = await signedInUser(t, 'gestionnaire_commandes', { siteId: site.id });
    // Every order is a « Boutique »; one is Kaboré's, five are Zongo's.
    await t.db.execute(sql`
      INSERT INTO orders (local_id, number, site_id, created_by, client_name, total_amount)
      SELECT gen_random_uuid(), 'RAREST-' || g, ${site.id}, ${manager.user.id},
             CASE WHEN g = 1 THEN 'Boutique Kaboré' WHEN g <= 6 THEN 'Boutique Zongo ' || g
                  ELSE 'Boutique ' || g END, 100
      FROM generate_series(1, 40) AS g`);
    // The shorter word when it is the rarer, whatever the order of the words…
    expect(await searchIndexWord(t.db, 'Boutique Kaboré')).toBe('kaboré');
    expect(await searchIndexWord(t.db, 'zongo BOUTIQUE')).toBe('zongo');
    expect(await searchIndexWord(t.db, 'Kaboré Zongo')).toBe('kaboré');
    // …and the longer one when none is found (or both as often).
    expect(await searchIndexWord(t.db, 'Awa Ouédraogo')).toBe('ouédraogo');
    // One word: the whole text is as good.
    expect(await searchIndexWord(t.db, 'Kaboré 70')).toBeUndefined();
  });

  it("keeps the search index's pending list small, so no search reads megabytes of it", async () => {
    // Every search reads the GIN index's whole pending list; the default lets it grow to 4 MB.
    const [index] = await selectRows<{ options: string[] | null }>(
      t.db,
      sql`SELECT reloptions AS options FROM pg_class WHERE relname = 'orders_search_trgm_idx'`,
    );
    expect(index!.options).toEqual(['gin_pending_list_limit=256']);
  });

  it('plans a search for its own text on each run', () => {
    const actor = actorOf(ctx.manager.user);
    const tz = 'Africa/Ouagadougou';
    const search = orderListStatement(t.db, actor, OrderListQuerySchema.parse({ search: 'zongo' }), tz);
    const searchCount = orderCountStatement(t.db, actor, { search: 'zongo' }, tz);
    // An empty name: PostgreSQL plans the unnamed statement for its values on every run.
    expect([search.name, searchCount.name]).toEqual(['', '']);
    expect(orderListStatement(t.db, actor, OrderListQuerySchema.parse({}), tz).name).not.toBe('');
  });

  it('refuses bad filters with a 400', async () => {
    const token = ctx.manager.token;
    for (const query of [
      'delivery_status=perdue',
      'limit=201',
      'limit=0',
      'sort=client_phone',
      'cursor=not-a-cursor',
      'from=2026-02-10&to=2026-02-01',
      'delivery_from=2026-02-10&delivery_to=2026-02-01',
      'unknown=1',
    ]) {
      const response = await api(t, 'GET', `/api/orders/?${query}`, { token });
      expect(response.status, query).toBe(400);
      expect(response.body.error.code).toBe('validation_error');
    }
    const page = await api(t, 'GET', '/api/orders/?limit=2&sort=total_amount', { token });
    const mismatched = await api(
      t,
      'GET',
      `/api/orders/?limit=2&sort=priority&cursor=${page.body.next_cursor}`,
      { token },
    );
    expect(mismatched.status).toBe(400);

    // A cursor forged with a key its sort can't hold, or without the creation instant its ties
    // need, is refused as such, never a 500.
    const at = '2030-01-01 10:00:00.123456+00';
    const forge = (sort: string, key: string, created?: string) =>
      Buffer.from(JSON.stringify({ sort, direction: 'desc', key, at: created, id: ctx.ids[0] })).toString(
        'base64url',
      );
    for (const [sort, key, created] of [
      ['created_at', 'not a time'],
      ['created_at', '2030-01-01 10:00:00+00', at],
      ['delivery_date', '2026-02-30x', at],
      ['priority', 'urgente', at],
      ['priority', 'haute', 'not a time'],
      ['priority', 'haute'],
      ['total_amount', '12abc', at],
      ['delivery_status', 'perdue', at],
    ]) {
      const cursor = forge(sort!, key!, created);
      const forged = await api(t, 'GET', `/api/orders/?sort=${sort}&cursor=${cursor}`, { token });
      expect(forged.status, `${sort} ${key} ${created}`).toBe(400);
      expect(forged.body.error.code).toBe('validation_error');
    }
  });

  it('lists each order exactly as the order endpoint summarizes it, in the shared contract', async () => {
    // One order with a voice note, so its flag is compared set as well as unset.
    const note = await t.app.inject({
      method: 'PUT',
      url: `/api/voice-notes/${randomUUID()}/?order_id=${ctx.ids[0]}&duration_ms=1000`,
      headers: { authorization: `Bearer ${ctx.manager.token}`, 'content-type': 'audio/ogg' },
      payload: oggOpus(),
    });
    expect(note.statusCode).toBe(201);
    const response = await api(t, 'GET', `/api/orders/?site_id=${ctx.siteId}&limit=200`, {
      token: ctx.manager.token,
    });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(() => pageOf(OrderSummarySchema).parse(response.body)).not.toThrow();
    expect(response.body.items).toHaveLength(ctx.ids.length);
    for (const listed of response.body.items as Summary[]) {
      const single = await api(t, 'GET', `/api/orders/${listed.id}/`, { token: ctx.manager.token });
      const {
        items: _items,
        payments: _payments,
        returns: _returns,
        next_statuses: _next,
        voice_notes: _notes,
        ...summary
      } = single.body;
      // Microsecond timestamps, a partial payment, statuses moved on, dates or none: all agree.
      expect(listed).toEqual(summary);
    }
    expect(
      response.body.items.filter((item: Summary) => item.has_voice_note).map((item: Summary) => item.id),
    ).toEqual([ctx.ids[0]]);
  });
});

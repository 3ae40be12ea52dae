import { randomUUID } from 'node:crypto';
import type { SyncMutation, SyncOrder, SyncPushResponse } from '@gapal/shared';
import { SYNC_SCHEMA_VERSION } from '@gapal/shared';
import { and, eq, inArray, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signedInUser } from '../../../test/factories.ts';
import { api, useTestApp } from '../../../test/harness.ts';
import { buildApp } from '../../app.ts';
import { selectRows } from '../../db/client.ts';
import { orders, stockLevels } from '../../db/schema.ts';
import { ledgerProblems } from '../stock/test-helpers.ts';
import { SYNC_HORIZON } from './sync-pull.repo.ts';
import { catalogProduct, type SyncClient, syncClient } from './test-helpers.ts';

// Model-based test of the sync protocol: simulated phones write offline, then sync through a
// fault layer (requests dropped, answers lost after the commit, batches duplicated and reordered,
// the server restarted mid-push). Afterwards, with faults gone, the invariants of the issue hold.

const RUNS = Number(process.env.SYNC_PROPERTY_RUNS ?? 6);
const INITIAL_STOCK = 12;
const BATCH = 4;

type Fault = 'none' | 'drop' | 'lose_answer' | 'duplicate' | 'reorder' | 'restart';
type Action =
  | { kind: 'create'; device: number; product: number; quantity: number }
  | { kind: 'cancel'; device: number; pick: number }
  | { kind: 'edit'; device: number; pick: number; quantity: number }
  | { kind: 'advance'; pick: number }
  | { kind: 'pay'; pick: number; amount: number }
  | { kind: 'sync'; device: number; fault: Fault };

type Entry = Omit<SyncMutation, 'args'> & {
  args: Record<string, unknown>;
  state: 'pending' | 'acked' | 'rejected';
};
type Phone = SyncClient & {
  outbox: Entry[];
  cursor: string | undefined;
  orders: Map<string, SyncOrder>;
  stock: Map<string, number>;
};

const VENDORS = 3;
const MANAGER = VENDORS; // the last phone: an order manager on the move

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('create' as const),
      device: fc.nat(VENDORS - 1),
      product: fc.nat(2),
      quantity: fc.integer({ min: 1, max: 4 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('cancel' as const),
      device: fc.nat(VENDORS - 1),
      pick: fc.nat(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('edit' as const),
      device: fc.nat(VENDORS - 1),
      pick: fc.nat(),
      quantity: fc.integer({ min: 1, max: 5 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('pay' as const),
      pick: fc.nat(),
      amount: fc.integer({ min: 1, max: 3000 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('sync' as const),
      device: fc.nat(VENDORS),
      fault: fc.constantFrom<Fault>('none', 'drop', 'lose_answer', 'duplicate', 'reorder', 'restart'),
    }),
  },
);

const NEXT: Record<string, string> = {
  nouvelle: 'en_preparation',
  en_preparation: 'en_cours',
  en_cours: 'livree',
};

describe('sync protocol under faults (model-based)', () => {
  const t = useTestApp({ poolSize: 20, env: { SYNC_RATE_LIMIT_PER_MINUTE: '100000' } });

  async function restartServer() {
    // A new process on the same database: nothing in memory survives.
    await t.app.close();
    t.app = await buildApp(t.config, t.database, { logger: false });
    await t.app.ready();
  }

  async function send(phone: Phone, mutations: SyncMutation[]): Promise<SyncPushResponse | undefined> {
    const response = await api<SyncPushResponse>(t, 'POST', '/api/sync/push/', {
      token: phone.token,
      body: { device_id: phone.deviceId, schema_version: SYNC_SCHEMA_VERSION, mutations },
    });
    if (response.status === 503) return undefined;
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body;
  }

  function absorb(phone: Phone, response: SyncPushResponse | undefined) {
    for (const result of response?.results ?? []) {
      const entry = phone.outbox.find((e) => e.id === result.id);
      if (entry?.state !== 'pending') continue;
      const outcome = result.status === 'duplicate' ? result.original_status : result.status;
      if (outcome === 'applied') entry.state = 'acked';
      if (outcome === 'rejected') entry.state = 'rejected';
    }
  }

  async function pullAll(phone: Phone) {
    for (;;) {
      const params = new URLSearchParams({ limit: '7', ...(phone.cursor ? { cursor: phone.cursor } : {}) });
      const response = await api(t, 'GET', `/api/sync/pull/?${params}`, { token: phone.token });
      expect(response.status).toBe(200);
      const page = response.body;
      if (page.reset) {
        phone.orders.clear();
        phone.stock.clear();
      }
      for (const order of page.orders as SyncOrder[]) phone.orders.set(order.local_id, order);
      for (const product of page.products as { id: string; stock_quantity: number }[]) {
        phone.stock.set(product.id, product.stock_quantity);
      }
      phone.cursor = page.cursor;
      if (!page.has_more) return;
    }
  }

  async function sync(phone: Phone, fault: Fault) {
    const pending = phone.outbox.filter((e) => e.state === 'pending').slice(0, 2 * BATCH);
    const batches = [pending.slice(0, BATCH), pending.slice(BATCH)].filter((b) => b.length > 0);
    const wire = (batch: Entry[]) => batch.map(({ state: _s, ...m }) => m);
    switch (fault) {
      case 'drop':
        return; // the request never reached the server
      case 'lose_answer':
        for (const batch of batches) await send(phone, wire(batch)); // committed, answer lost
        return;
      case 'duplicate':
        for (const batch of batches) {
          const answers = await Promise.all([send(phone, wire(batch)), send(phone, wire(batch))]);
          for (const answer of answers) absorb(phone, answer);
        }
        break;
      case 'reorder':
        for (const batch of [...batches].reverse()) absorb(phone, await send(phone, wire(batch)));
        break;
      case 'restart': {
        const inFlight = batches[0] ? send(phone, wire(batches[0])).catch(() => undefined) : undefined;
        await restartServer();
        await inFlight; // whatever it got is lost with the old process
        return;
      }
      default:
        for (const batch of batches) absorb(phone, await send(phone, wire(batch)));
    }
    await pullAll(phone);
  }

  function enqueue(phone: Phone, name: string, args: Record<string, unknown>) {
    phone.outbox.push({
      id: randomUUID(),
      seq: phone.nextSeq++,
      name,
      args,
      client_time: new Date().toISOString(),
      state: 'pending',
    });
  }

  it('keeps every order exactly once, stock exact, and phones equal to the server', async () => {
    const { token: stockToken } = await signedInUser(t, 'gestionnaire_stocks');
    await fc.assert(
      fc.asyncProperty(fc.array(actionArb, { minLength: 5, maxLength: 30 }), async (actions) => {
        const products = [
          await catalogProduct(t, { unitPrice: 200 }),
          await catalogProduct(t, { unitPrice: 350 }),
          await catalogProduct(t, { unitPrice: 500 }),
        ];
        const entry = await api(t, 'POST', '/api/stock/entry/', {
          token: stockToken,
          body: { items: products.map((p) => ({ product_id: p.id, quantity: INITIAL_STOCK })) },
        });
        expect(entry.status).toBe(201);
        const phones: Phone[] = [];
        for (let i = 0; i <= VENDORS; i += 1) {
          const client = await syncClient(t, i === MANAGER ? 'gestionnaire_commandes' : 'vendeur');
          phones.push({ ...client, outbox: [], cursor: undefined, orders: new Map(), stock: new Map() });
        }
        // Orders each phone knows of: its own creations and what it pulled.
        const known = (phone: Phone) => [
          ...new Set([
            ...phone.outbox.filter((e) => e.name === 'create_order').map((e) => e.args.local_id as string),
            ...phone.orders.keys(),
          ]),
        ];
        const siteOrders = () => phones.slice(0, VENDORS).flatMap(known);

        for (const action of actions) {
          if (action.kind === 'create') {
            enqueue(phones[action.device]!, 'create_order', {
              local_id: randomUUID(),
              client_name: 'Client',
              items: [{ product_id: products[action.product]!.id, quantity: action.quantity }],
            });
          } else if (action.kind === 'cancel' || action.kind === 'edit') {
            const phone = phones[action.device]!;
            const ids = known(phone);
            if (ids.length === 0) continue;
            const localId = ids[action.pick % ids.length]!;
            if (action.kind === 'cancel') enqueue(phone, 'cancel_order', { local_id: localId });
            else {
              enqueue(phone, 'update_order', {
                local_id: localId,
                items: [{ product_id: products[0]!.id, quantity: action.quantity }],
              });
            }
          } else if (action.kind === 'advance' || action.kind === 'pay') {
            const manager = phones[MANAGER]!;
            const ids = siteOrders();
            if (ids.length === 0) continue;
            const localId = ids[action.pick % ids.length]!;
            if (action.kind === 'pay') {
              enqueue(manager, 'record_payment', {
                local_id: localId,
                amount: action.amount,
                method: 'especes',
              });
            } else {
              const status = NEXT[manager.orders.get(localId)?.delivery_status ?? 'nouvelle'] ?? 'livree';
              enqueue(manager, 'set_status', { local_id: localId, status });
            }
          } else {
            await sync(phones[action.device]!, action.fault);
          }
        }

        // Faults stop: every phone syncs until its outbox is settled, then once more to catch up.
        for (
          let round = 0;
          round < 20 && phones.some((p) => p.outbox.some((e) => e.state === 'pending'));
          round += 1
        ) {
          for (const phone of phones) await sync(phone, 'none');
        }
        for (const phone of phones) {
          expect(phone.outbox.filter((e) => e.state === 'pending')).toEqual([]);
        }
        await settle(phones);

        // 1. One order per client UUID; every acked creation exists exactly once.
        const duplicates = await selectRows(
          t.db,
          sql`SELECT local_id FROM orders GROUP BY local_id HAVING count(*) > 1`,
        );
        expect(duplicates).toEqual([]);
        for (const phone of phones) {
          const created = phone.outbox.filter((e) => e.name === 'create_order' && e.state === 'acked');
          if (created.length === 0) continue;
          const rows = await t.db
            .select({ localId: orders.localId })
            .from(orders)
            .where(
              inArray(
                orders.localId,
                created.map((e) => e.args.local_id as string),
              ),
            );
          expect(rows).toHaveLength(created.length);
        }
        // 2. Every mutation accounted for exactly once: stored once, with the fate the phone saw.
        for (const phone of phones) {
          const stored = await selectRows<{ id: string; status: string }>(
            t.db,
            sql`SELECT id, status FROM sync_mutations WHERE device_id = ${phone.deviceId} ORDER BY seq`,
          );
          expect(stored.map((row) => row.id)).toEqual(phone.outbox.map((e) => e.id));
          expect(stored.map((row) => row.status)).toEqual(
            phone.outbox.map((e) => (e.state === 'acked' ? 'applied' : 'rejected')),
          );
        }
        // A delivery took stock once: one audit row per status change, one sale per delivered order.
        const doubleMoves = await selectRows(
          t.db,
          sql`SELECT entity_id, after->>'delivery_status' AS status FROM audit_log
              WHERE action IN ('order.status', 'order.cancel') GROUP BY 1, 2 HAVING count(*) > 1`,
        );
        expect(doubleMoves).toEqual([]);
        // 3. Stock = initial − delivered, never negative, and the ledger chains.
        for (const product of products) {
          const [delivered] = await selectRows<{ n: number }>(
            t.db,
            sql`SELECT coalesce(sum(i.quantity), 0)::int AS n FROM order_items i JOIN orders o ON o.id = i.order_id
                WHERE i.product_id = ${product.id} AND o.delivery_status = 'livree'`,
          );
          const [level] = await t.db
            .select({ quantity: stockLevels.quantity })
            .from(stockLevels)
            .where(and(eq(stockLevels.productId, product.id), eq(stockLevels.siteId, t.defaultSiteId)));
          expect(level!.quantity).toBe(INITIAL_STOCK - delivered!.n);
          expect(level!.quantity).toBeGreaterThanOrEqual(0);
        }
        expect(await ledgerProblems(t)).toEqual([]);
        // 4. Every phone's synced view equals the server's.
        for (const [index, phone] of phones.entries()) {
          const serverRows = await t.db
            .select()
            .from(orders)
            .where(
              index === MANAGER
                ? eq(orders.siteId, phone.siteId)
                : and(eq(orders.siteId, phone.siteId), eq(orders.createdBy, phone.user.id)),
            );
          const local = [...phone.orders.values()].map((o) => [
            o.local_id,
            o.version,
            o.delivery_status,
            o.paid_amount,
            o.total_amount,
          ]);
          const remote = serverRows.map((o) => [
            o.localId,
            o.version,
            o.deliveryStatus,
            o.paidAmount,
            o.totalAmount,
          ]);
          const sort = (rows: unknown[][]) => rows.sort((a, b) => String(a[0]).localeCompare(String(b[0])));
          expect(sort(local)).toEqual(sort(remote));
          for (const product of products) {
            const [level] = await t.db
              .select({ quantity: stockLevels.quantity })
              .from(stockLevels)
              .where(and(eq(stockLevels.productId, product.id), eq(stockLevels.siteId, phone.siteId)));
            expect(phone.stock.get(product.id)).toBe(level!.quantity);
          }
        }
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
  });

  /**
   * Pulls until every phone has caught up. Transaction ids are cluster-wide, so on a shared
   * PostgreSQL another database's open writer can hold the horizon back for a moment.
   */
  async function settle(phones: Phone[]) {
    const deadline = Date.now() + 20_000;
    for (;;) {
      // Checked before pulling: when nothing committed is past the horizon now, the pulls get it all.
      const [row] = await selectRows<{ behind: boolean }>(
        t.db,
        sql`SELECT EXISTS (SELECT 1 FROM sync_changes
              WHERE txid >= ${SYNC_HORIZON}) AS behind`,
      );
      for (const phone of phones) await pullAll(phone);
      if (!row!.behind || Date.now() > deadline) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
});

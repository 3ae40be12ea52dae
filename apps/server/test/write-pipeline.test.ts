import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrap } from '../src/bootstrap/bootstrap.ts';
import { type Db, selectRows } from '../src/db/client.ts';
import type { WriteHook } from '../src/domain/write-context.ts';
import { runExpiryCheck } from '../src/features/notifications/expiry-job.ts';
import { createOrderAs, createProduct, receiveStock } from '../src/features/orders/test-helpers.ts';
import { createArgs, mutation, push, syncClient } from '../src/features/sync/test-helpers.ts';
import { addDays, createLot } from '../src/realtime/test-helpers.ts';
import { signedInUser } from './factories.ts';
import { api, openTestDatabase, testConfig, useTestApp } from './harness.ts';

/**
 * The one write pipeline (domain/write-context.ts): a probe hook registers a live event inside
 * every write of each kind of command (an HTTP route, a sync mutation on the general path and on
 * the fast path, a delivery batch, a daily job, the bootstrap). Each probe must reach the bus
 * after its transaction committed, and never when its write rolled back (the hook forces it).
 */

/** Long enough for a wrongly published event to arrive (the bus delivers on a later tick). */
const GRACE_MS = 300;

type Probe = { id: string; name: string; xid: string | null; db: Db };

describe('every write goes through the one pipeline', () => {
  const t = useTestApp();
  const registered: Probe[] = [];
  /** Probe id → the transaction's status seen from another connection when the event arrived. */
  const published = new Map<string, Promise<string | null>>();
  /** Writes named here roll back after registering their probe (the hook throws). */
  const failing = new Map<string, number>();

  /** The probe for writes on `dbOf()` (the app's, or the bootstrap's own database). */
  const probeOn =
    (dbOf: () => Db): WriteHook =>
    async (ctx) => {
      const id = randomUUID();
      // The transaction's id, to ask PostgreSQL whether it committed when the event arrives.
      const [row] = await selectRows<{ xid: string }>(ctx.tx, sql`SELECT pg_current_xact_id()::text AS xid`);
      ctx.publishAfterCommit({
        channels: [`probe:${id}`],
        message: { type: 'notifications_read', ids: [id], all: false },
      });
      registered.push({ id, name: ctx.name, xid: row?.xid ?? null, db: dbOf() });
      const left = failing.get(ctx.name) ?? 0;
      if (left > 0) {
        failing.set(ctx.name, left - 1);
        throw new Error(`probe: ${ctx.name} rolled back`);
      }
    };

  const probe = probeOn(() => t.db);
  let stopListening: () => void;
  beforeAll(() => {
    t.app.writes.writeHooks.add(probe);
    stopListening = t.app.bus.subscribe(({ channels }) => {
      const channel = channels.find((name) => name.startsWith('probe:'));
      if (!channel) return;
      const id = channel.slice('probe:'.length);
      const item = registered.find((candidate) => candidate.id === id);
      published.set(id, item?.xid ? transactionStatus(item.db, item.xid) : Promise.resolve(null));
    });
  });
  afterAll(() => {
    stopListening?.();
    t.app.writes.writeHooks.delete(probe);
  });

  /** Runs `command`, then returns the probes its writes registered, as `name` (the others left out). */
  async function probesOf(name: string, command: () => Promise<unknown>): Promise<Probe[]> {
    const before = registered.length;
    await command();
    await new Promise((resolve) => setTimeout(resolve, GRACE_MS));
    return registered.slice(before).filter((item) => item.name === name);
  }

  async function expectPublishedAfterCommit(probes: Probe[]): Promise<void> {
    expect(probes.length).toBeGreaterThan(0);
    for (const item of probes) {
      expect(published.has(item.id), `${item.name} published`).toBe(true);
      expect(await published.get(item.id), `${item.name} committed when published`).toBe('committed');
    }
  }

  async function expectNeverPublished(probes: Probe[]): Promise<void> {
    expect(probes.length).toBeGreaterThan(0);
    for (const item of probes) {
      expect(published.has(item.id), `${item.name} published after a rollback`).toBe(false);
      expect(await transactionStatus(item.db, item.xid!)).toBe('aborted');
    }
  }

  it('an HTTP route: the order created is announced after its commit, a rolled back one never', async () => {
    const vendor = await signedInUser(t, 'vendeur');
    const product = await createProduct(t);
    await expectPublishedAfterCommit(
      await probesOf('order.create', () => createOrderAs(t, vendor.token, [product.id])),
    );

    failing.set('order.create', 1);
    let status = 0;
    const rolledBack = await probesOf('order.create', async () => {
      status = (
        await api(t, 'POST', '/api/orders/', {
          token: vendor.token,
          body: {
            local_id: randomUUID(),
            client_name: 'Awa',
            items: [{ product_id: product.id, quantity: 1 }],
          },
        })
      ).status;
    });
    expect(status).toBe(500);
    await expectNeverPublished(rolledBack);
  });

  it('a sync push: the fast path and the general path publish after their commits, never a rolled back one', async () => {
    const product = await createProduct(t);
    const client = await syncClient(t, 'vendeur');
    const fast = await probesOf('sync.fast_create', async () => {
      const response = await push(t, client, [
        mutation(client, 'create_order', createArgs([product.id])),
        mutation(client, 'create_order', createArgs([product.id])),
      ]);
      expect(response.body.results.map((result) => result.status)).toEqual(['applied', 'applied']);
    });
    await expectPublishedAfterCommit(fast);

    // A cancellation takes the general path: one write per mutation.
    const created = mutation(client, 'create_order', createArgs([product.id]));
    await push(t, client, [created]);
    const localId = (created.args as { local_id: string }).local_id;
    const general = await probesOf('sync.mutation', async () => {
      const response = await push(t, client, [mutation(client, 'cancel_order', { local_id: localId })]);
      expect(response.body.results[0]?.status).toBe('applied');
    });
    await expectPublishedAfterCommit(general);

    // The fast path rolled back: its probe never goes out, the general path applies the run.
    failing.set('sync.fast_create', 1);
    const rolledBackFast = await probesOf('sync.fast_create', async () => {
      const response = await push(t, client, [mutation(client, 'create_order', createArgs([product.id]))]);
      expect(response.body.results[0]?.status).toBe('applied');
    });
    await expectNeverPublished(rolledBackFast);

    // A general-path mutation rolled back: rejected by a second write that stores the fault.
    failing.set('sync.mutation', 1);
    const order = mutation(client, 'create_order', createArgs([product.id]));
    await push(t, client, [order]);
    const rolledBackGeneral = await probesOf('sync.mutation', async () => {
      const response = await push(t, client, [
        mutation(client, 'update_order', {
          local_id: (order.args as { local_id: string }).local_id,
          notes: 'x',
        }),
      ]);
      expect(response.body.results[0]).toMatchObject({
        status: 'rejected',
        reason: { code: 'mutation_failed' },
      });
    });
    expect(rolledBackGeneral).toHaveLength(2);
    await expectNeverPublished(rolledBackGeneral.slice(0, 1));
    await expectPublishedAfterCommit(rolledBackGeneral.slice(1));
  });

  it('a delivery batch: published after its commit, and nothing when it rolls back', async () => {
    const stocker = await signedInUser(t, 'gestionnaire_stocks');
    const manager = await signedInUser(t, 'gestionnaire_commandes');
    const product = await createProduct(t);
    await receiveStock(t, stocker.token, [{ product_id: product.id, quantity: 10 }]);
    const onTheWay = async () => {
      const order = await createOrderAs(t, manager.token, [product.id]);
      for (const status of ['en_preparation', 'en_cours']) {
        await api(t, 'PATCH', `/api/orders/${order.id}/status/`, { token: manager.token, body: { status } });
      }
      return order as { id: string };
    };
    const deliver = (id: string) =>
      api(t, 'PATCH', `/api/orders/${id}/status/`, { token: manager.token, body: { status: 'livree' } });

    const first = await onTheWay();
    const delivered = await probesOf('orders.delivery_batch', async () => {
      expect((await deliver(first.id)).status).toBe(200);
    });
    await expectPublishedAfterCommit(delivered);

    const second = await onTheWay();
    failing.set('orders.delivery_batch', 1);
    const rolledBack = await probesOf('orders.delivery_batch', async () => {
      expect((await deliver(second.id)).status).toBe(500);
    });
    await expectNeverPublished(rolledBack);
    const after = await api(t, 'GET', `/api/orders/${second.id}/`, { token: manager.token });
    expect(after.body.delivery_status).toBe('en_cours');
  });

  it('a daily job: the expiry check publishes after its commit, never a rolled back run', async () => {
    const product = await createProduct(t);
    const today = new Date().toISOString().slice(0, 10);
    await createLot(t, {
      productId: product.id,
      siteId: t.defaultSiteId,
      expiryDate: addDays(today, -1),
      quantity: 3,
    });

    failing.set('expiry-check', 1);
    const rolledBack = await probesOf('expiry-check', () =>
      expect(runExpiryCheck(t.app.writes, { alertDays: [3, 1] })).rejects.toThrow('rolled back'),
    );
    await expectNeverPublished(rolledBack);

    let created = 0;
    const committed = await probesOf('expiry-check', async () => {
      created = await runExpiryCheck(t.app.writes, { alertDays: [3, 1] });
    });
    expect(created).toBeGreaterThan(0);
    await expectPublishedAfterCommit(committed);
  });

  it('the bootstrap: a first start publishes after its commit, a rolled back one leaves nothing', async () => {
    const { database, drop } = await openTestDatabase(2);
    try {
      const deps = {
        db: database.db,
        bus: t.app.bus,
        config: testConfig(),
        writeHooks: new Set([probeOn(() => database.db)]),
      };
      const config = testConfig({
        GAPAL_ADMIN_USERNAME: 'premier',
        GAPAL_ADMIN_PASSWORD: 'premier-mot-de-passe',
      });

      failing.set('bootstrap', 1);
      const rolledBack = await probesOf('bootstrap', () =>
        expect(bootstrap(deps, config)).rejects.toThrow('rolled back'),
      );
      await expectNeverPublished(rolledBack);
      const [users] = await selectRows<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM users`);
      expect(users?.n).toBe(0);

      const committed = await probesOf('bootstrap', async () => {
        expect((await bootstrap(deps, config)).createdAdmin).toBe('premier');
      });
      await expectPublishedAfterCommit(committed);
    } finally {
      await database.close();
      await drop();
    }
  });
});

/** `committed`, `aborted` or `in progress`, asked on another connection than the write's. */
async function transactionStatus(db: Db, xid: string): Promise<string | null> {
  const [row] = await selectRows<{ status: string | null }>(
    db,
    sql`SELECT pg_xact_status(${xid}::xid8) AS status`,
  );
  return row?.status ?? null;
}

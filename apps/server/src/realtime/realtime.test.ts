import type { Role } from '@gapal/shared';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSite, signedInUser, type TestUser } from '../../test/factories.ts';
import { api, useTestApp } from '../../test/harness.ts';
import { notifications } from '../db/schema.ts';
import { runWrite, systemActor, type WriteActor, type WriteContext } from '../domain/write-context.ts';
import {
  notify,
  notifyOrderCreated,
  notifyPaymentRecorded,
  notifyStockLevel,
  notifySyncRejected,
  type OrderRef,
  orderStatusNotifications,
} from '../features/notifications/notify.ts';
import { createProduct, listen, sleep, TestSocket } from './test-helpers.ts';

type Member = { user: TestUser; token: string; socket: TestSocket };

/** Long enough for a wrongly routed message to arrive: all sockets are written in the same tick. */
const GRACE_MS = 150;

describe('live notifications reach exactly their audience', () => {
  const t = useTestApp();
  const people: Record<string, Member> = {};
  let siteA: string;
  let siteB: string;

  beforeAll(async () => {
    const url = await listen(t);
    siteA = t.defaultSiteId;
    siteB = (await createSite(t)).id;
    const cast: Array<[string, Role, string | null]> = [
      ['vendeurA', 'vendeur', siteA],
      ['vendeurA2', 'vendeur', siteA],
      ['commandesA', 'gestionnaire_commandes', siteA],
      ['stocksA', 'gestionnaire_stocks', siteA],
      ['vendeurB', 'vendeur', siteB],
      ['commandesB', 'gestionnaire_commandes', siteB],
      ['stocksB', 'gestionnaire_stocks', siteB],
      ['admin', 'admin', null],
    ];
    for (const [name, role, siteId] of cast) {
      const { user, token } = await signedInUser(t, role, { siteId });
      people[name] = { user, token, socket: await TestSocket.connect(url, token) };
    }
  });

  afterAll(async () => {
    await Promise.all(Object.values(people).map((member) => member.socket.close()));
  });

  /** Runs `cause` in a write and returns the ids of the notifications it queued. */
  async function fire(cause: (ctx: WriteContext<WriteActor>) => Promise<void>): Promise<string[]> {
    const ids: string[] = [];
    await runWrite(t.app.writes, systemActor('test'), (ctx) => cause(capturing(ctx, ids)));
    return ids;
  }

  /** The write, noting the ids of the notifications it queues in `ids`. */
  function capturing(ctx: WriteContext<WriteActor>, ids: string[]): WriteContext<WriteActor> {
    return {
      ...ctx,
      publishAfterCommit: (event) => {
        if (event.message.type === 'notification') ids.push(event.message.notification.id);
        ctx.publishAfterCommit(event);
      },
    };
  }

  async function expectAudience(id: string, expected: string[]): Promise<void> {
    for (const name of expected) {
      await people[name]!.socket.waitFor((m) => m.type === 'notification' && m.notification.id === id);
    }
    await sleep(GRACE_MS);
    for (const [name, member] of Object.entries(people)) {
      const received = member.socket.notifications().filter((n) => n.id === id);
      expect({ name, count: received.length }).toEqual({ name, count: expected.includes(name) ? 1 : 0 });
      // The stored list agrees with the live push.
      const listed = await api(t, 'GET', '/api/notifications/?limit=100', { token: member.token });
      expect(listed.status).toBe(200);
      const ids = listed.body.items.map((n: { id: string }) => n.id);
      expect({ name, listed: ids.includes(id) }).toEqual({ name, listed: expected.includes(name) });
    }
  }

  const orderOf =
    (site: () => string, creator: string): (() => OrderRef) =>
    () => ({
      id: crypto.randomUUID(),
      number: `CMD-TEST-${Math.floor(Math.random() * 1e6)}`,
      siteId: site(),
      createdBy: people[creator]!.user.id,
      clientName: 'Awa Ouédraogo',
      totalAmount: 12_500,
    });

  it('a new order goes to the order managers of its site and the admins', async () => {
    const order = orderOf(() => siteA, 'vendeurA')();
    const [id] = await fire((ctx) => notifyOrderCreated(ctx, order));
    await expectAudience(id!, ['commandesA', 'admin']);
    const message = people.commandesA!.socket.notifications().find((n) => n.id === id)!;
    expect(message).toMatchObject({ kind: 'commande_nouvelle', site_id: siteA, read_at: null });
    expect(message.data).toMatchObject({ order_id: order.id, order_number: order.number });
  });

  it('a status change goes to the vendor who created the order and the managers, not other vendors', async () => {
    const order = orderOf(() => siteA, 'vendeurA')();
    const [id] = await fire(async (ctx) => {
      await notify(ctx, orderStatusNotifications([{ order, from: 'nouvelle', to: 'en_preparation' }]));
    });
    await expectAudience(id!, ['vendeurA', 'commandesA', 'admin']);
  });

  it('a payment goes to the vendor and the managers of the order’s site', async () => {
    const order = orderOf(() => siteB, 'vendeurB')();
    const [id] = await fire((ctx) =>
      notifyPaymentRecorded(ctx, order, {
        amount: 5000,
        method: 'orange_money',
        paymentStatus: 'partielle',
        paidAmount: 5000,
      }),
    );
    await expectAudience(id!, ['vendeurB', 'commandesB', 'admin']);
  });

  it('a manager who is also the order’s creator gets it once', async () => {
    const order = orderOf(() => siteB, 'commandesB')();
    const [id] = await fire(async (ctx) => {
      await notify(ctx, orderStatusNotifications([{ order, from: 'en_cours', to: 'livree' }]));
    });
    await expectAudience(id!, ['commandesB', 'admin']);
  });

  it('stock crossing under its threshold, then out, goes to the site’s stock managers and the admins', async () => {
    const product = await createProduct(t, { minStockLevel: 10 });
    const low = await fire((ctx) =>
      notifyStockLevel(ctx, { siteId: siteA, productId: product.id, before: 12, after: 5 }),
    );
    expect(low).toHaveLength(1);
    await expectAudience(low[0]!, ['stocksA', 'admin']);
    expect(people.stocksA!.socket.notifications().find((n) => n.id === low[0])!.kind).toBe('stock_bas');

    // Already low: a further sale under the threshold is not news.
    expect(
      await fire((ctx) =>
        notifyStockLevel(ctx, { siteId: siteA, productId: product.id, before: 5, after: 3 }),
      ),
    ).toEqual([]);

    const out = await fire((ctx) =>
      notifyStockLevel(ctx, { siteId: siteA, productId: product.id, before: 3, after: 0 }),
    );
    await expectAudience(out[0]!, ['stocksA', 'admin']);
    expect(people.admin!.socket.notifications().find((n) => n.id === out[0])!.kind).toBe('rupture_stock');
  });

  it('a rejected sync goes to the vendor who pushed it only', async () => {
    const [id] = await fire((ctx) =>
      notifySyncRejected(ctx, {
        userId: people.vendeurB!.user.id,
        siteId: siteB,
        deviceId: null,
        rejected: [{ mutationId: crypto.randomUUID(), type: 'cancelOrder', reason: 'Commande déjà livrée' }],
      }),
    );
    await expectAudience(id!, ['vendeurB']);
  });

  it('publishes only after the commit, and nothing when the transaction rolls back', async () => {
    const manager = people.commandesA!.socket;
    const order = orderOf(() => siteA, 'vendeurA')();
    let queued: string | undefined;
    await runWrite(t.app.writes, systemActor('test'), async (ctx) => {
      const ids: string[] = [];
      await notifyOrderCreated(capturing(ctx, ids), order);
      queued = ids[0];
      await sleep(GRACE_MS * 2);
      // Stored in the open transaction, not yet on any socket.
      expect(manager.notifications().some((n) => n.id === queued)).toBe(false);
    });
    await manager.waitFor((m) => m.type === 'notification' && m.notification.id === queued);

    const rolledBack = orderOf(() => siteA, 'vendeurA')();
    await expect(
      runWrite(t.app.writes, systemActor('test'), async (ctx) => {
        await notifyOrderCreated(ctx, rolledBack);
        throw new Error('the order failed');
      }),
    ).rejects.toThrow('the order failed');
    await sleep(GRACE_MS * 2);
    for (const member of Object.values(people)) {
      expect(member.socket.notifications().some((n) => n.data.order_id === rolledBack.id)).toBe(false);
    }
    const stored = await t.db
      .select()
      .from(notifications)
      .where(sql`${notifications.params}->>'order_number' = ${rolledBack.number}`);
    expect(stored).toEqual([]);
  });

  it('a retried write publishes only the attempt that committed', async () => {
    const manager = people.commandesA!.socket;
    const failed = orderOf(() => siteA, 'vendeurA')();
    const committed = orderOf(() => siteA, 'vendeurA')();
    let attempts = 0;
    await runWrite(t.app.writes, systemActor('test'), async (ctx) => {
      attempts += 1;
      if (attempts === 1) {
        await notifyOrderCreated(ctx, failed);
        // As PostgreSQL refuses a transaction on a serialization failure: runWrite tries again.
        throw Object.assign(new Error('could not serialize access'), { code: '40001' });
      }
      await notifyOrderCreated(ctx, committed);
    });
    expect(attempts).toBe(2);
    await manager.waitFor((m) => m.type === 'notification' && m.notification.data.order_id === committed.id);
    await sleep(GRACE_MS);
    expect(manager.notifications().some((n) => n.data.order_id === failed.id)).toBe(false);
  });

  it('reading a notification tells the reader’s other sockets, and only theirs', async () => {
    const order = orderOf(() => siteA, 'vendeurA')();
    const [id] = await fire((ctx) => notifyOrderCreated(ctx, order));
    await expectAudience(id!, ['commandesA', 'admin']);
    const url = `ws://127.0.0.1:${(t.app.server.address() as { port: number }).port}/api/ws/`;
    const secondDevice = await TestSocket.connect(url, people.commandesA!.token);

    const read = await api(t, 'POST', `/api/notifications/${id}/read/`, { token: people.commandesA!.token });
    expect(read.status).toBe(200);
    for (const socket of [secondDevice, people.commandesA!.socket]) {
      const message = await socket.waitFor((m) => m.type === 'notifications_read');
      expect(message).toEqual({ type: 'notifications_read', ids: [id], all: false });
    }
    await sleep(GRACE_MS);
    expect(people.admin!.socket.messages.some((m) => m.type === 'notifications_read')).toBe(false);
    await secondDevice.close();
  });
});

import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { signedInUser } from '../../../test/factories.ts';
import { api, useTestApp } from '../../../test/harness.ts';
import { selectRows } from '../../db/client.ts';
import { notifications } from '../../db/schema.ts';
import { createOrderAs, createProduct } from '../orders/test-helpers.ts';

/** The hand-written part of migration 0012: what fills `params` on the rows stored before it. */
function backfillStatements(): string[] {
  const file = new URL('../../../drizzle/0012_notification_params.sql', import.meta.url);
  return readFileSync(file, 'utf8')
    .split('--> statement-breakpoint')
    .map((part) => part.trim())
    .filter((part) => part.includes('UPDATE notifications'));
}

describe('notifications by code', () => {
  const t = useTestApp();

  it('carry the code and the parameters their text is made of', async () => {
    const vendor = await signedInUser(t, 'vendeur');
    const manager = await signedInUser(t, 'gestionnaire_commandes');
    const product = await createProduct(t, { unitPrice: 750 });
    const order = await createOrderAs(t, vendor.token, [product.id], { client_name: 'Maquis Wend Kuuni' });

    const list = await api(t, 'GET', '/api/notifications/', { token: manager.token });
    const created = list.body.items.find(
      (item: { data: { order_id?: string } }) => item.data.order_id === order.id,
    );
    expect(created).toMatchObject({
      kind: 'commande_nouvelle',
      code: 'commande_nouvelle',
      params: { order_number: order.number, client_name: 'Maquis Wend Kuuni', total_amount: 750 },
      title: `Nouvelle commande ${order.number}`,
    });
  });

  it('are stored without text: the API writes the French title and body from the code and parameters', async () => {
    const admin = await signedInUser(t, 'admin');
    const columns = await selectRows<{ column_name: string }>(
      t.db,
      sql`SELECT column_name FROM information_schema.columns WHERE table_name = 'notifications'`,
    );
    const names = columns.map((row) => row.column_name);
    expect(names).toContain('params');
    expect(names).not.toContain('title');
    expect(names).not.toContain('body');

    const [row] = await t.db
      .insert(notifications)
      .values({
        kind: 'lot_expiration_proche',
        targetRoles: ['admin'],
        params: {
          product_name: 'Yaourt nature',
          lot_code: 'L7',
          quantity: 12,
          unit: 'pot',
          expiry_date: '2026-12-09',
          days_left: 2,
        },
      })
      .returning();
    const list = await api(t, 'GET', '/api/notifications/?limit=100', { token: admin.token });
    expect(list.body.items.find((item: { id: string }) => item.id === String(row!.id))).toMatchObject({
      code: 'lot_expiration_proche',
      title: 'Yaourt nature (L7) expire dans 2 jours',
      body: '12 pot en stock, date de péremption le 09/12/2026',
    });
  });

  it('the migration gives a notification stored before it the parameters of its order and product', async () => {
    const manager = await signedInUser(t, 'gestionnaire_commandes');
    const product = await createProduct(t, { name: 'Lait caillé 1 L' });
    const order = await createOrderAs(t, manager.token, [product.id], { client_name: 'Boutique Zida' });
    const [orderRow, stockRow, syncRow] = await t.db
      .insert(notifications)
      .values([
        {
          kind: 'commande_statut',
          targetRoles: ['admin'],
          data: {
            order_id: order.id,
            order_number: order.number,
            total_amount: 500,
            from: 'nouvelle',
            to: 'annulee',
          },
        },
        {
          kind: 'stock_bas',
          targetRoles: ['admin'],
          data: { product_id: product.id, quantity: 2, min_stock_level: 5 },
        },
        {
          kind: 'sync_rejetee',
          targetRoles: ['admin'],
          data: { rejected: [{ mutation_id: 'a' }, { mutation_id: 'b' }] },
        },
      ])
      .returning();
    for (const statement of backfillStatements()) await t.db.execute(sql.raw(statement));

    const params = async (id: number) =>
      (await t.db.select().from(notifications).where(sql`id = ${id}`))[0]!.params;
    expect(await params(orderRow!.id)).toEqual({
      order_number: order.number,
      client_name: 'Boutique Zida',
      total_amount: 500,
      from: 'nouvelle',
      to: 'annulee',
    });
    expect(await params(stockRow!.id)).toEqual({
      product_name: 'Lait caillé 1 L',
      unit: 'pot',
      quantity: 2,
      min_stock_level: 5,
    });
    expect(await params(syncRow!.id)).toEqual({ count: 2 });
  });
});

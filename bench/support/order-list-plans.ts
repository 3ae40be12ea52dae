/**
 * The order list's query plans on the bench's million orders (`npm run bench orders`), from the
 * statements the service itself builds: `EXPLAIN (ANALYZE, BUFFERS)` of each common view.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';

/** The plans of the list's statements, built by the service itself (no copy of its SQL). */
export async function explainPlans(db: pg.Client, siteId: string, vendorId: string, adminId: string) {
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const { orderListStatement, orderCountStatement } = await import(
    '../../apps/server/src/features/orders/order-list.repo.ts'
  );
  const { searchIndexWord } = await import('../../apps/server/src/features/orders/order-search.repo.ts');
  const { OrderListQuerySchema } = await import('@gapal/shared');
  const orm = drizzle(db) as never;
  const actor = (role: string, userId: string, site: string | null) => ({
    userId,
    username: 'bench',
    role: role as never,
    siteId: site,
    deviceId: null,
    requestId: 'bench',
    ip: '127.0.0.1',
  });
  const managerActor = actor('gestionnaire_commandes', randomUUID(), siteId);
  const cases: [string, ReturnType<typeof actor>, Record<string, string>][] = [
    ['default view (manager)', managerActor, {}],
    ['delivery_status=nouvelle', managerActor, { delivery_status: 'nouvelle' }],
    ['payment_status=partielle', managerActor, { payment_status: 'partielle' }],
    ['priority=haute', managerActor, { priority: 'haute' }],
    ['vendor (own orders)', actor('vendeur', vendorId, siteId), {}],
    ['admin, every site', actor('admin', adminId, null), {}],
    [
      'delivery date range (one week)',
      managerActor,
      { delivery_from: isoDaysAgo(40), delivery_to: isoDaysAgo(33) },
    ],
    ['creation period (one day)', managerActor, { from: isoDaysAgo(60), to: isoDaysAgo(60) }],
    ['search=Client 1234', managerActor, { search: 'Client 1234' }],
    ['sort=total_amount', managerActor, { sort: 'total_amount' }],
    ['sort=priority', managerActor, { sort: 'priority' }],
    ['sort=delivery_status&direction=asc', managerActor, { sort: 'delivery_status', direction: 'asc' }],
    ['sort=delivery_date&direction=asc', managerActor, { sort: 'delivery_date', direction: 'asc' }],
  ];
  const plans: { label: string; plan: string }[] = [];
  for (const [label, who, query] of cases) {
    // A search of several words reads the index for its rarest word, as the service runs it.
    const parsed = OrderListQuerySchema.parse(query);
    const word = await searchIndexWord(orm, parsed.search);
    const statement = orderListStatement(orm, who, parsed, 'Africa/Ouagadougou', word);
    plans.push({ label, plan: await explain(db, statement.sql, statement.params) });
  }
  // Page 2 of the default view: the keyset condition must stay an index condition.
  const { encodeCursor } = await import('../../apps/server/src/lib/cursor.ts');
  const first = orderListStatement(orm, managerActor, OrderListQuerySchema.parse({}), 'Africa/Ouagadougou');
  const { rows: firstPage } = await db.query<{ id: string; sortKey: string }>(first.sql, first.params);
  const last = firstPage.at(-2)!;
  const cursor = encodeCursor({
    sort: 'created_at',
    direction: 'desc',
    key: last.sortKey,
    id: last.id,
  });
  const next = orderListStatement(
    orm,
    managerActor,
    OrderListQuerySchema.parse({ cursor }),
    'Africa/Ouagadougou',
  );
  plans.push({ label: 'default view, next page (cursor)', plan: await explain(db, next.sql, next.params) });
  const count = orderCountStatement(orm, managerActor, { delivery_status: 'nouvelle' }, 'Africa/Ouagadougou');
  plans.push({ label: 'count delivery_status=nouvelle', plan: await explain(db, count.sql, count.params) });
  return plans;
}

async function explain(db: pg.Client, sql: string, params: unknown[]): Promise<string> {
  const { rows } = await db.query<{ 'QUERY PLAN': string }>(
    `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`,
    params,
  );
  return rows.map((row) => row['QUERY PLAN']).join('\n');
}

function isoDaysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}

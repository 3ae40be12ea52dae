import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/harness.ts';
import { readOrders } from '../features/orders/orders.repo.ts';
import { type Db, selectRows } from './client.ts';

type PlanNode = { 'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string; Plans?: PlanNode[] };
type Explained = { Plan: PlanNode; JIT?: unknown };

const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

/**
 * Issue #23: a server started on a database just bulk-loaded, before ANALYZE, delivered 4× slower.
 * The order read's generic plan, estimated without statistics at thousands of items and payments per
 * order, cost more than jit_above_cost, and every execution compiled the plan with LLVM (about
 * 100 ms, for a statement of under a millisecond). The server's connections run with JIT off
 * (SESSION_OPTIONS in client.ts), so no estimate, however wrong, buys a compilation.
 */
describe('generic plans that do not depend on statistics', () => {
  const t = useTestApp();
  const jitOf = async (db: Db) => (await selectRows<{ jit: string }>(db, sql`SHOW jit`))[0]!.jit;

  it('runs every server connection without JIT on PostgreSQL (PGlite has no JIT to turn off)', async () => {
    if (!t.isPostgres) {
      const [row] = await selectRows<{ available: boolean }>(
        t.db,
        sql`SELECT pg_jit_available() AS available`,
      );
      expect(row!.available).toBe(false);
      return;
    }
    expect(await jitOf(t.db)).toBe('off');
    expect(await t.db.transaction((tx) => jitOf(tx))).toBe('off');
    // The delivery batches' own connections (pipelined transactions).
    expect(await t.database.pipelinedTransaction((tx) => jitOf(tx))).toBe('off');
  });

  it("plans the delivery's order read without JIT and by the orders' key, whatever the estimate (PostgreSQL)", async () => {
    if (!t.isPostgres) {
      // The same statement runs on PGlite, which plans without JIT by construction (test above).
      expect(await readOrders(t.db, [randomUUID()], { lock: false })).toEqual([]);
      return;
    }
    const explained = await t.db.transaction(async (tx) => {
      // The bench's shape, bulk-loaded and never analyzed: 20 000 orders written in one statement
      // (triggers off, as for a restore).
      await tx.execute(sql`SET LOCAL session_replication_role = replica`);
      await tx.execute(sql`
        WITH vendor AS (
          INSERT INTO users (username, full_name, role, site_id, password_hash)
          VALUES ('plan-vendor', 'plan-vendor', 'vendeur', ${t.defaultSiteId}, 'x') RETURNING id
        )
        INSERT INTO orders (local_id, number, site_id, created_by, client_name, priority, delivery_status,
          payment_status, total_amount, paid_amount)
        SELECT gen_random_uuid(), 'PLAN-' || g, ${t.defaultSiteId}, (SELECT id FROM vendor), 'Client ' || g,
          'moyenne', 'livree', 'payee', 1000, 1000
        FROM generate_series(1, 20000) g`);
      await tx.execute(sql`SET LOCAL session_replication_role = DEFAULT`);
      // Every cost qualifies for JIT and the generic plan is the one used: the worst an estimate
      // without statistics can be.
      await tx.execute(sql`SET LOCAL jit_above_cost = 0`);
      await tx.execute(sql`SET LOCAL plan_cache_mode = force_generic_plan`);
      // The exact text the server prepares, from the statement readOrders has just prepared.
      await readOrders(tx, [randomUUID()], { lock: true });
      const [prepared] = await selectRows<{ statement: string }>(
        tx,
        sql`SELECT statement FROM pg_prepared_statements WHERE name = 'order_read_lock'`,
      );
      expect(prepared).toBeDefined();
      await tx.execute(sql.raw(`PREPARE generic_plan_test AS ${prepared!.statement}`));
      const [row] = await selectRows<{ 'QUERY PLAN': Explained[] }>(
        tx,
        sql.raw(`EXPLAIN (FORMAT JSON) EXECUTE generic_plan_test('{${randomUUID()}}')`),
      );
      await tx.execute(sql`DEALLOCATE generic_plan_test`);
      return row!['QUERY PLAN'][0]!;
    });

    expect(explained.JIT).toBeUndefined();
    const nodes = nodesOf(explained.Plan);
    expect(nodes.some((node) => node['Index Name'] === 'orders_pkey')).toBe(true);
    expect(
      nodes.filter((node) => node['Node Type'] === 'Seq Scan' && node['Relation Name'] === 'orders'),
    ).toEqual([]);
  });
});

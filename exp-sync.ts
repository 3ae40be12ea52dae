import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { withBenchDatabase, withClient } from './bench/support/bench-server.ts';
import { openDatabase } from './apps/server/src/db/client.ts';
import { bootstrap } from './apps/server/src/bootstrap/bootstrap.ts';
import { loadConfig } from './apps/server/src/config.ts';
import { readFileSync } from 'node:fs';

const src = readFileSync('apps/server/src/features/sync/sync-fast-create.repo.ts', 'utf8');
const SQL = src.slice(src.indexOf('const CREATE_ORDER_SQL = `') + 26, src.indexOf('SELECT number FROM created`') + 26);
await withBenchDatabase('gapal_exp', async ({ url }) => {
  const config = loadConfig({ DATABASE_URL: url, JWT_SECRET: 'x'.repeat(40), GAPAL_DEMO_DATA: 'false', GAPAL_DATA_DIR: '/tmp/gx' });
  const database = await openDatabase(config.database);
  await database.migrate();
  await bootstrap(database.db, config);
  await database.close();
  await withClient(url, async (db) => {
    const site = (await db.query('SELECT id FROM sites LIMIT 1')).rows[0].id;
    const prods = (await db.query(`INSERT INTO products (name, unit, unit_price, shelf_life_days) SELECT 'P'||g,'pot',100,60 FROM generate_series(1,200) g RETURNING id`)).rows.map((r) => r.id);
    const user = (await db.query(`INSERT INTO users (username, full_name, role, site_id, password_hash) VALUES ('v','v','vendeur',$1,'x') RETURNING id`, [site])).rows[0].id;
    const dev = (await db.query(`INSERT INTO devices (serial, name, site_id, user_id) VALUES ('D','D',$1,$2) RETURNING id`, [site, user])).rows[0].id;
    const run = async (seq: number, explain: boolean) => {
      const values = [seq, new Date().toISOString(), dev, randomUUID(), site, '2026-11-21', randomUUID(), user, 'Client', '+22670000000', null, null, 'moyenne', null, 'non_payee', 900,
        `{${prods.slice(0, 3).join(',')}}`, '{1,2,3}', '{100,100,100}', user, JSON.stringify({ a: 1, items: [1, 2, 3], client_name: 'Client xxxxxxxxxxxxxxx', more: 'x'.repeat(500) }), 'req', '127.0.0.1', randomUUID(), JSON.stringify({ id: 'x', order: { id: 'y' } })];
      const text = explain ? `EXPLAIN (ANALYZE, BUFFERS, WAL, VERBOSE off) ${SQL}` : SQL;
      return db.query({ name: explain ? 'e' : 'n', text, values });
    };
    for (let i = 1; i <= 200; i++) await run(i, false);
    const r = await run(201, true);
    console.log(r.rows.map((x) => x['QUERY PLAN']).join('\n'));
    const t0 = performance.now();
    for (let i = 202; i <= 2201; i++) await run(i, false);
    console.log('sequential ms/order', (performance.now() - t0) / 2000);
    console.log((await db.query(`SELECT tgname, tgrelid::regclass FROM pg_trigger WHERE NOT tgisinternal`)).rows);
    console.log((await db.query(`SELECT relname, count(*) FROM pg_index i JOIN pg_class c ON c.oid=i.indrelid WHERE relname IN ('orders','order_items','audit_log','sync_mutations','devices','order_counters','sync_changes','change_log') GROUP BY 1`)).rows);
  });
});

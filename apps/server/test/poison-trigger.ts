import { sql } from 'drizzle-orm';
import type { TestApp } from './harness.ts';

/**
 * Makes the test database refuse any order whose client name is `clientName` (a trigger raising
 * 'poisoned client name'): a real database fault on one change's own data, which the phone's and
 * the server's checks accept and no schema can foresee. Once per test database.
 */
export async function refuseClientName(t: TestApp, clientName: string): Promise<void> {
  await t.db.execute(sql`
    CREATE FUNCTION test_refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'poisoned client name' USING ERRCODE = 'P0001';
    END $$`);
  await t.db.execute(sql`
    CREATE TRIGGER test_refuse_poison BEFORE INSERT OR UPDATE ON orders
    FOR EACH ROW WHEN (NEW.client_name = ${sql.raw(`'${clientName.replaceAll("'", "''")}'`)})
    EXECUTE FUNCTION test_refuse_poison()`);
}

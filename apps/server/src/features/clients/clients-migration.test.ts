import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { normalizePhone } from '@gapal/shared';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withAdmin, withDatabase } from '../../../test/global-setup.ts';
import { type Database, MIGRATIONS_FOLDER, openDatabase } from '../../db/client.ts';

/**
 * Migration 0015 gives the orders taken before the client directory their clients: the test
 * migrates an empty database to 0014, inserts a messy sample of orders as the phones and the
 * dashboard typed them, then runs the rest of the migrations.
 */

const CLIENTS_MIGRATION = '0015_clients';
const pgTemplate = inject('pgTemplate');
const work = mkdtempSync(path.join(tmpdir(), 'gapal-clients-migration-'));
let databaseName: string | undefined;

type Journal = { entries: Array<{ idx: number; tag: string }> };

/** A copy of the migrations folder that stops before the clients migration. */
function migrationsBeforeClients(): string {
  const folder = path.join(work, 'drizzle');
  cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
  const journalFile = path.join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as Journal;
  const index = journal.entries.findIndex((entry) => entry.tag === CLIENTS_MIGRATION);
  expect(index).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, index);
  writeFileSync(journalFile, JSON.stringify(journal));
  return folder;
}

async function openEmptyDatabase(): Promise<Database> {
  if (!pgTemplate) return openDatabase({ kind: 'pglite' });
  databaseName = `gapal_cm_${pgTemplate.runId}_${process.pid}`;
  const name = databaseName;
  await withAdmin(pgTemplate.adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  return openDatabase({ kind: 'postgres', url: withDatabase(pgTemplate.adminUrl, name), poolSize: 2 });
}

async function migrateTo(database: Database, migrationsFolder: string): Promise<void> {
  const client = (database.db as unknown as { $client: unknown }).$client;
  if (database.kind === 'pglite') await migratePglite(drizzlePglite(client as PGlite), { migrationsFolder });
  else await migratePg(drizzlePg(client as Pool), { migrationsFolder });
}

const SITE_A = '00000000-0000-4000-8000-00000000000a';
const SITE_B = '00000000-0000-4000-8000-00000000000b';
const VENDOR_A = '00000000-0000-4000-8000-0000000000a1';
const VENDOR_B = '00000000-0000-4000-8000-0000000000b1';

/** Orders as they were typed: [site, number, client name, phone, days ago, delivery address]. */
const SAMPLE: Array<[string, string, string, string | null, number, string | null]> = [
  // One maquis, its phone written four ways, its name with and without accents and capitals.
  [SITE_A, 'A-01', 'Maquis Chez Adèle', '70 12 34 56', 30, 'Secteur 5'],
  [SITE_A, 'A-02', 'maquis chez adele', '+226 70123456', 20, null],
  [SITE_A, 'A-03', 'MAQUIS  CHEZ ADELE', '0022670123456', 10, 'Secteur 5, près du marché'],
  [SITE_A, 'A-04', 'Maquis chez Adèle', '70-12-34-56', 5, null],
  // The same name typed without a phone: the one phone client of that name.
  [SITE_A, 'A-05', ' Maquis chez  Adele ', null, 3, null],
  // A boutique never given a phone, under two spellings: one client.
  [SITE_A, 'A-06', 'Boutique Ouédraogo', null, 15, 'Route de Réo'],
  [SITE_A, 'A-07', 'boutique ouedraogo', null, 2, null],
  // Two different people with the same name and different phones, and that name without a
  // phone: the phone clients stay two, the order without a phone can't choose between them.
  [SITE_A, 'A-08', 'Awa', '76 00 00 01', 9, null],
  [SITE_A, 'A-09', 'Awa', '76 00 00 02', 8, null],
  [SITE_A, 'A-10', 'AWA', null, 7, null],
  // A phone whose owner's name drifted: one client named as the latest order.
  [SITE_A, 'A-11', 'Revendeur Koné', '+22678111111', 12, null],
  [SITE_A, 'A-12', 'Koné Issouf (revendeur)', '78 11 11 11', 1, null],
  // A phone that is no Burkina number (seven digits after 226): grouped by name.
  [SITE_A, 'A-13', 'Client Inconnu', '+226 7012345', 4, null],
  [SITE_A, 'A-14', 'client inconnu', null, 3, null],
  // Same name and same phone on the other site: another client, of that site.
  [SITE_B, 'B-01', 'Maquis Chez Adèle', '70123456', 6, null],
  [SITE_B, 'B-02', 'Boutique Ouédraogo', null, 6, null],
];

describe('migration 0015: existing orders attached to clients', () => {
  let database: Database;

  beforeAll(async () => {
    database = await openEmptyDatabase();
    await migrateTo(database, migrationsBeforeClients());
    await database.db.execute(sql`
      INSERT INTO sites (id, name, code) VALUES (${SITE_A}, 'Koudougou', 'KDG'), (${SITE_B}, 'Réo', 'REO')`);
    await database.db.execute(sql`
      INSERT INTO users (id, username, full_name, role, site_id, password_hash) VALUES
        (${VENDOR_A}, 'vendeur.a', 'Vendeur A', 'vendeur', ${SITE_A}, 'x'),
        (${VENDOR_B}, 'vendeur.b', 'Vendeur B', 'vendeur', ${SITE_B}, 'x')`);
    for (const [site, number, name, phone, daysAgo, address] of SAMPLE) {
      const vendor = site === SITE_A ? VENDOR_A : VENDOR_B;
      await database.db.execute(sql`
        INSERT INTO orders (local_id, number, site_id, created_by, client_name, client_phone, delivery_address,
          total_amount, created_at)
        VALUES (gen_random_uuid(), ${number}, ${site}, ${vendor}, ${name}, ${phone}, ${address}, 1000,
          now() - make_interval(days => ${daysAgo}))`);
    }
    await database.migrate();
  }, 120_000);

  afterAll(async () => {
    await database?.close();
    if (pgTemplate && databaseName) {
      const name = databaseName;
      await withAdmin(pgTemplate.adminUrl, (client) =>
        client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
      );
    }
    rmSync(work, { recursive: true, force: true });
  });

  type Attached = { number: string; client_id: string | null; name: string; phone: string | null };

  async function attached(): Promise<Map<string, Attached>> {
    const result = await database.db.execute(sql`
      SELECT o.number, o.client_id, c.name, c.phone
      FROM orders o LEFT JOIN clients c ON c.id = o.client_id AND c.site_id = o.site_id`);
    const rows = (result as unknown as { rows: Attached[] }).rows;
    return new Map(rows.map((row) => [row.number, row]));
  }

  it('gives every order a client of its own site', async () => {
    const orders = await attached();
    expect(orders.size).toBe(SAMPLE.length);
    for (const order of orders.values()) expect(order.client_id, order.number).not.toBeNull();
    expect(orders.get('A-01')!.name).toBeDefined();
  });

  it('one client per normalised phone, named as its latest order', async () => {
    const orders = await attached();
    const adele = orders.get('A-01')!;
    for (const number of ['A-02', 'A-03', 'A-04'])
      expect(orders.get(number)!.client_id).toBe(adele.client_id);
    expect(adele).toMatchObject({ phone: '+22670123456', name: 'Maquis chez Adèle' });
    expect(orders.get('A-11')!.client_id).toBe(orders.get('A-12')!.client_id);
    expect(orders.get('A-11')).toMatchObject({ phone: '+22678111111', name: 'Koné Issouf (revendeur)' });
  });

  it('reads each phone as the API does (normalizePhone)', async () => {
    const orders = await attached();
    for (const [, number, , phone] of SAMPLE) {
      if (phone === null) continue;
      expect(orders.get(number)!.phone, `${number}: ${phone}`).toBe(normalizePhone(phone));
    }
  });

  it('an order without a phone joins the one phone client that bears its name', async () => {
    const orders = await attached();
    expect(orders.get('A-05')!.client_id).toBe(orders.get('A-01')!.client_id);
  });

  it('orders without a phone are grouped by name, accents, case and spaces ignored', async () => {
    const orders = await attached();
    expect(orders.get('A-06')!.client_id).toBe(orders.get('A-07')!.client_id);
    expect(orders.get('A-06')).toMatchObject({ phone: null, name: 'boutique ouedraogo' });
    expect(orders.get('A-13')!.client_id).toBe(orders.get('A-14')!.client_id);
    expect(orders.get('A-13')!.phone).toBeNull();
  });

  it('two phones under one name stay two clients; the name alone makes a third', async () => {
    const orders = await attached();
    const ids = new Set(['A-08', 'A-09', 'A-10'].map((number) => orders.get(number)!.client_id));
    expect(ids.size).toBe(3);
    expect(orders.get('A-08')!.phone).toBe('+22676000001');
    expect(orders.get('A-09')!.phone).toBe('+22676000002');
    expect(orders.get('A-10')).toMatchObject({ phone: null, name: 'AWA' });
  });

  it('the same name and phone on another site is another client', async () => {
    const orders = await attached();
    expect(orders.get('B-01')!.client_id).not.toBe(orders.get('A-01')!.client_id);
    expect(orders.get('B-01')!.phone).toBe('+22670123456');
    expect(orders.get('B-02')!.client_id).not.toBe(orders.get('A-06')!.client_id);
  });

  it('the clients take the latest address, the first creator and date, and nothing else', async () => {
    const result = await database.db.execute(sql`
      SELECT c.site_id, c.name, c.address, c.created_by, c.kind, c.is_active, c.name_key,
        c.created_at = (SELECT min(o.created_at) FROM orders o WHERE o.client_id = c.id) AS first_date
      FROM clients c ORDER BY c.site_id, c.name_key`);
    const clients = (result as unknown as { rows: Array<Record<string, unknown>> }).rows;
    // Site A: Adèle, Ouédraogo, Awa ×3, Koné, Inconnu; site B: Adèle, Ouédraogo.
    expect(clients).toHaveLength(9);
    for (const client of clients) {
      expect(client).toMatchObject({ kind: 'autre', is_active: true, first_date: true });
      expect(client.created_by).toBe(client.site_id === SITE_A ? VENDOR_A : VENDOR_B);
    }
    const adele = clients.find((client) => client.site_id === SITE_A && client.name === 'Maquis chez Adèle');
    expect(adele).toMatchObject({ address: 'Secteur 5, près du marché', name_key: 'maquis chez adele' });
    const boutique = clients.find(
      (client) => client.site_id === SITE_A && client.name_key === 'boutique ouedraogo',
    );
    expect(boutique!.address).toBe('Route de Réo');
  });
});

import type { Role } from '@gapal/shared';
import type { Db } from '../db/client.ts';
import type { WriteActor, WriteContext } from '../domain/write-context.ts';
import { hashPassword, type ScryptParams } from '../features/auth/passwords.ts';
import { existingUsernames, insertCategoryWithProducts, insertUsers } from './bootstrap.repo.ts';
import { seedDemoStock } from './demo-stock.ts';

export type DemoLogin = { username: string; password: string; role: Role };

/** Demo passwords are printed at start-up: this data is for trying Gapal, not for production. */
export const DEMO_LOGINS: DemoLogin[] = [
  { username: 'admin', password: 'gapal-admin', role: 'admin' },
  { username: 'commandes', password: 'gapal-commandes', role: 'gestionnaire_commandes' },
  { username: 'stocks', password: 'gapal-stocks', role: 'gestionnaire_stocks' },
  { username: 'vendeur', password: 'gapal-vendeur', role: 'vendeur' },
];

const DEMO_NAMES: Record<Role, string> = {
  admin: 'Awa Ouédraogo',
  gestionnaire_commandes: 'Issa Kaboré',
  gestionnaire_stocks: 'Mariam Zongo',
  vendeur: 'Boukary Sawadogo',
};

const DEMO_CATALOG = [
  {
    category: 'Lait',
    items: [
      {
        name: 'Lait frais pasteurisé 1 L',
        unit: 'litre',
        price: 750,
        barcode: '6181000000011',
        min: 40,
        shelf: 5,
      },
      {
        name: 'Lait frais pasteurisé 0,5 L',
        unit: 'sachet',
        price: 400,
        barcode: '6181000000028',
        min: 60,
        shelf: 5,
      },
      { name: 'Lait caillé 1 L', unit: 'sachet', price: 600, barcode: '6181000000035', min: 30, shelf: 4 },
    ],
  },
  {
    category: 'Yaourt',
    items: [
      { name: 'Yaourt nature 125 g', unit: 'pot', price: 250, barcode: '6181000000042', min: 100, shelf: 21 },
      {
        name: 'Yaourt sucré vanille 500 g',
        unit: 'pot',
        price: 1000,
        barcode: '6181000000059',
        min: 24,
        shelf: 21,
      },
    ],
  },
  {
    category: 'Dégué et desserts',
    items: [
      { name: 'Dégué mil 1 L', unit: 'litre', price: 1000, barcode: '6181000000066', min: 20, shelf: 3 },
    ],
  },
  {
    category: 'Fromage',
    items: [
      { name: 'Wagashi (fromage peul)', unit: 'pièce', price: 1500, barcode: null, min: 10, shelf: 10 },
    ],
  },
];

export async function seedDemoData(
  ctx: WriteContext<WriteActor>,
  siteId: string,
  options: { skipAdmin: boolean; hashing: ScryptParams },
): Promise<DemoLogin[]> {
  const { tx } = ctx;
  const logins = DEMO_LOGINS.filter((login) => !(options.skipAdmin && login.role === 'admin'));
  const hashes = await Promise.all(logins.map((login) => hashPassword(login.password, options.hashing)));
  await insertUsers(
    tx,
    logins.map((login, i) => ({
      username: login.username,
      fullName: DEMO_NAMES[login.role],
      role: login.role,
      siteId,
      passwordHash: hashes[i]!,
    })),
  );
  for (const group of DEMO_CATALOG) {
    await insertCategoryWithProducts(
      tx,
      group.category,
      group.items.map((item) => ({
        name: item.name,
        unit: item.unit,
        unitPrice: item.price,
        barcode: item.barcode,
        minStockLevel: item.min,
        shelfLifeDays: item.shelf,
      })),
    );
  }
  await seedDemoStock(ctx, siteId);
  return logins;
}

/** The demo accounts still present, to remind whoever starts the server how to sign in. */
export async function existingDemoLogins(db: Db): Promise<DemoLogin[]> {
  const present = await existingUsernames(
    db,
    DEMO_LOGINS.map((login) => login.username),
  );
  return DEMO_LOGINS.filter((login) => present.has(login.username));
}

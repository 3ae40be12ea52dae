import { type SyncCategory, SyncCategorySchema, type SyncProduct, SyncProductSchema } from '@gapal/shared';
import { parseStoredRows } from '@gapal/sync-client';
import { db, useLive } from './sync.ts';

export type Catalog = { products: SyncProduct[]; categories: SyncCategory[] };

/** Active products and their categories, from the phone's copy, sorted by name. */
export function useCatalog(): Catalog | undefined {
  return useLive(async () => {
    const [storedProducts, storedCategories] = await Promise.all([
      db.products.toArray(),
      db.categories.toArray(),
    ]);
    const products = parseStoredRows(SyncProductSchema, storedProducts, 'products');
    const categories = parseStoredRows(SyncCategorySchema, storedCategories, 'categories');
    return {
      products: products
        .filter((product) => product.is_active)
        .sort((a, b) => a.name.localeCompare(b.name, 'fr')),
      categories: categories.sort((a, b) => a.name.localeCompare(b.name, 'fr')),
    };
  });
}

/** Accent- and case-insensitive: « lait caille » finds « Lait caillé ». */
export function normalize(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .trim();
}

export function filterProducts(
  products: SyncProduct[],
  search: string,
  categoryId: string | null,
): SyncProduct[] {
  const query = normalize(search);
  return products.filter(
    (product) =>
      (categoryId === null || product.category_id === categoryId) &&
      (query === '' || normalize(product.name).includes(query) || product.barcode === search.trim()),
  );
}

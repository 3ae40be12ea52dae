import type { SyncProduct } from '@gapal/shared';
import { formatDate, formatDateTime } from '../lib/format.ts';

/**
 * The stock a phone knows is the depot's stock as of its last complete sync: ordering more is
 * allowed (the stock may come in before delivery; the manager decides), but the vendor is told.
 */
export const STOCK_WARNING = 'La commande pourra être refusée à la livraison';

type StockFacts = Pick<SyncProduct, 'id' | 'name' | 'unit' | 'stock_quantity'>;

export type StockShortfall = {
  productId: string;
  name: string;
  unit: string;
  ordered: number;
  known: number;
};

/** True when `ordered` is more than the stock the phone knows (nothing known counts as 0). */
export function exceedsKnownStock(ordered: number, product: Pick<SyncProduct, 'stock_quantity'>): boolean {
  return ordered > Math.max(0, product.stock_quantity);
}

/** The draft's lines that ask for more than the known stock, in the catalog's order. */
export function stockShortfalls(
  items: Readonly<Record<string, number>>,
  products: readonly StockFacts[],
): StockShortfall[] {
  return products
    .filter((product) => exceedsKnownStock(items[product.id] ?? 0, product))
    .map((product) => ({
      productId: product.id,
      name: product.name,
      unit: product.unit,
      ordered: items[product.id] ?? 0,
      known: Math.max(0, product.stock_quantity),
    }));
}

/** `Yaourt nature : 10 demandés, 7 en stock` */
export function describeShortfall(shortfall: StockShortfall): string {
  return `${shortfall.name} : ${shortfall.ordered} demandés, ${shortfall.known} en stock`;
}

/**
 * `Stock à 14:05 : 7 pots` when the phone last synced today (business time zone),
 * `Stock au 06/12/2026 à 14:05 : 7 pots` before, `Stock connu : 7 pots` if it never did.
 */
export function knownStockLabel(
  product: Pick<SyncProduct, 'stock_quantity' | 'unit'>,
  learnedAt: string | null,
  now: Date = new Date(),
): string {
  const quantity = `${product.stock_quantity} ${product.unit}`;
  if (!learnedAt) return `Stock connu : ${quantity}`;
  const [day, time] = formatDateTime(learnedAt).split(' ');
  return day === formatDate(now)
    ? `Stock à ${time} : ${quantity}`
    : `Stock au ${day} à ${time} : ${quantity}`;
}

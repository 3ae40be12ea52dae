import { describe, expect, it } from 'vitest';
import { describeShortfall, exceedsKnownStock, knownStockLabel, stockShortfalls } from './stock-warning.ts';

const yaourt = { id: 'p1', name: 'Yaourt nature', unit: 'pot', stock_quantity: 7 };
const lait = { id: 'p2', name: 'Lait caillé', unit: 'sachet', stock_quantity: 0 };
const beurre = { id: 'p3', name: 'Beurre', unit: 'plaquette', stock_quantity: -2 };

describe('stock warning', () => {
  it('warns only above the known stock, an unknown or negative stock counting as none', () => {
    expect(exceedsKnownStock(7, yaourt)).toBe(false);
    expect(exceedsKnownStock(8, yaourt)).toBe(true);
    expect(exceedsKnownStock(0, lait)).toBe(false);
    expect(exceedsKnownStock(1, lait)).toBe(true);
    expect(exceedsKnownStock(1, beurre)).toBe(true);
  });

  it('lists the lines of a draft that ask for more than the phone knows', () => {
    const shortfalls = stockShortfalls({ p1: 10, p2: 0, p3: 1 }, [yaourt, lait, beurre]);
    expect(shortfalls).toEqual([
      { productId: 'p1', name: 'Yaourt nature', unit: 'pot', ordered: 10, known: 7 },
      { productId: 'p3', name: 'Beurre', unit: 'plaquette', ordered: 1, known: 0 },
    ]);
    expect(describeShortfall(shortfalls[0]!)).toBe('Yaourt nature : 10 demandés, 7 en stock');
    expect(stockShortfalls({ p1: 7 }, [yaourt, lait])).toEqual([]);
  });

  it('says when the phone learned the stock, in Ouagadougou time', () => {
    const now = new Date('2026-12-07T16:00:00Z');
    expect(knownStockLabel(yaourt, '2026-12-07T14:05:09Z', now)).toBe('Stock à 14:05 : 7 pot');
    expect(knownStockLabel(yaourt, '2026-12-06T09:30:00Z', now)).toBe('Stock au 06/12/2026 à 09:30 : 7 pot');
    expect(knownStockLabel(yaourt, null, now)).toBe('Stock connu : 7 pot');
  });
});

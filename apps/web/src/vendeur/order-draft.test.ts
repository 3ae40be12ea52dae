import { randomUUID } from 'node:crypto';
import type { SyncOrder } from '@gapal/shared';
import { describe, expect, it } from 'vitest';
import {
  type Draft,
  draftFromOrder,
  emptyDraft,
  loadDraft,
  storeDraft,
  validateDraft,
} from './order-draft.ts';

/** The draft's own storage: a Map behind the Storage methods the draft uses. */
function memoryStorage() {
  const values = new Map<string, string>();
  return {
    values,
    getItem: (key: string) => values.get(key) ?? null,
    setItem: (key: string, value: string) => void values.set(key, value),
    removeItem: (key: string) => void values.delete(key),
  };
}

const productId = randomUUID();
const filled = (): Draft => ({
  ...emptyDraft(),
  client_name: 'Maquis Kaboré',
  client_phone: '70 11 22 33',
  items: { [productId]: 3 },
  delivery_address: 'Secteur 15',
});

describe('order draft', () => {
  it('names what is missing before anything is queued', () => {
    const errors = validateDraft(emptyDraft(), 0);
    expect(Object.keys(errors).sort()).toEqual(['client_name', 'items']);
    expect(validateDraft(filled(), 750)).toEqual({});
    // A line set back to zero is no line: an order with only that one is refused.
    expect(Object.keys(validateDraft({ ...filled(), items: { [productId]: 0 } }, 0))).toEqual(['items']);
  });

  it('survives a reload as typed', () => {
    const storage = memoryStorage();
    expect(loadDraft(storage)).toBeNull();
    expect(storeDraft(filled(), storage)).toBe(true);
    expect(loadDraft(storage)).toEqual(filled());
    storeDraft(null, storage);
    expect(loadDraft(storage)).toBeNull();
  });

  it('reads a stored draft with its schema: a damaged field falls back, the rest is kept', () => {
    const storage = memoryStorage();
    storage.setItem(
      'gapal-vendeur-draft',
      JSON.stringify({
        client_name: 'Boutique Zongo',
        items: { [productId]: 'deux' },
        priority: 'urgente',
        extra: 1,
      }),
    );
    expect(loadDraft(storage)).toEqual({ ...emptyDraft(), client_name: 'Boutique Zongo' });
    storage.setItem('gapal-vendeur-draft', '{not json');
    expect(loadDraft(storage)).toBeNull();
    storage.setItem('gapal-vendeur-draft', '"a string"');
    expect(loadDraft(storage)).toBeNull();
  });

  it('keeps the directory client and a new client across a reload, and names the client in the order', () => {
    const storage = memoryStorage();
    const id = randomUUID();
    const draft: Draft = {
      ...filled(),
      client_id: id,
      new_client: { id, name: 'Maquis Kaboré', phone: '+22670112233', kind: 'maquis', area: 'Dassasgho' },
    };
    storeDraft(draft, storage);
    expect(loadDraft(storage)).toEqual(draft);
    expect(validateDraft(draft, 750)).toEqual({});
    expect(validateDraft({ ...draft, client_id: 'pas-un-id' }, 750)).toHaveProperty('client_id');
  });

  it('keeps typing going when a full phone refuses to keep the draft', () => {
    const full = {
      setItem: () => {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      },
      removeItem: () => undefined,
    };
    expect(storeDraft(filled(), full)).toBe(false);
  });

  it('opens an order for editing with its fields and what was already paid', () => {
    const order = {
      local_id: randomUUID(),
      client_name: 'Kiosque Awa',
      client_phone: null,
      delivery_address: 'Marché central',
      delivery_date: '2026-12-10',
      priority: 'haute',
      notes: 'Livrer avant midi',
      paid_amount: 500,
      items: [{ product_id: productId, quantity: 4, unit_price: 250, subtotal: 1000, returned_quantity: 0 }],
    } as SyncOrder;
    expect(draftFromOrder(order)).toEqual({
      ...emptyDraft(),
      client_name: 'Kiosque Awa',
      items: { [productId]: 4 },
      delivery_address: 'Marché central',
      delivery_date: '2026-12-10',
      priority: 'haute',
      notes: 'Livrer avant midi',
      already_paid: 500,
    });
  });
});

import { eq } from 'drizzle-orm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSite, signedInUser } from '../../../test/factories.ts';
import { api, useTestApp } from '../../../test/harness.ts';
import { lots } from '../../db/schema.ts';
import { addDays, todayIn } from '../../lib/dates.ts';
import { createProduct, ledgerProblems } from './test-helpers.ts';

// Lot k of every product expires at a fixed offset: 0 is already expired, 1 tomorrow, 2 later.
const LOT_OFFSETS = [-1, 1, 10];
const LOTS = LOT_OFFSETS.length;

type Op =
  | { kind: 'entry'; product: number; site: number; lot: number; quantity: number }
  | { kind: 'exit'; product: number; site: number; quantity: number; allowExpired: boolean }
  | { kind: 'exitLot'; product: number; site: number; lot: number; quantity: number }
  | { kind: 'adjust'; product: number; site: number; lot: number; counted: number }
  | { kind: 'lossLot'; product: number; site: number; lot: number }
  | { kind: 'loss'; product: number; site: number; quantity: number };

const where = { product: fc.nat(1), site: fc.nat(1) };
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('entry' as const),
    ...where,
    lot: fc.nat(LOTS - 1),
    quantity: fc.integer({ min: 1, max: 20 }),
  }),
  fc.record({
    kind: fc.constant('exit' as const),
    ...where,
    quantity: fc.integer({ min: 1, max: 25 }),
    allowExpired: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('exitLot' as const),
    ...where,
    lot: fc.nat(LOTS - 1),
    quantity: fc.integer({ min: 1, max: 10 }),
  }),
  fc.record({ kind: fc.constant('adjust' as const), ...where, lot: fc.nat(LOTS - 1), counted: fc.nat(30) }),
  fc.record({ kind: fc.constant('lossLot' as const), ...where, lot: fc.nat(LOTS - 1) }),
  fc.record({ kind: fc.constant('loss' as const), ...where, quantity: fc.integer({ min: 1, max: 15 }) }),
);

describe('stock ledger (property)', () => {
  const t = useTestApp();

  it('keeps stock = sum of movements, an unbroken chain and no negative lot, whatever the sequence', async () => {
    const admin = await signedInUser(t, 'admin');
    const siteIds = [t.defaultSiteId, (await createSite(t)).id];
    const today = todayIn(t.config.timeZone);

    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 18 }), async (ops) => {
        const productIds = [(await createProduct(t)).id, (await createProduct(t)).id];
        // The model: quantity per (product, site, lot); undefined = lot not created yet.
        const model = new Map<string, number>();
        const lotIds = new Map<string, string>();
        const key = (op: { product: number; site: number }, lot: number) => `${op.product}/${op.site}/${lot}`;
        const sellable = (withExpired: boolean) =>
          [...Array(LOTS).keys()].filter((lot) => withExpired || LOT_OFFSETS[lot]! >= 0);

        for (const op of ops) {
          const site_id = siteIds[op.site]!;
          const product_id = productIds[op.product]!;
          let expected: number;
          let response: { status: number; body: any };
          switch (op.kind) {
            case 'entry': {
              response = await api(t, 'POST', '/api/stock/entry/', {
                token: admin.token,
                body: {
                  site_id,
                  items: [
                    {
                      product_id,
                      quantity: op.quantity,
                      lot_code: `L${op.lot}`,
                      expiry_date: addDays(today, LOT_OFFSETS[op.lot]!),
                      allow_past_expiry: true,
                    },
                  ],
                },
              });
              expected = 201;
              if (response.status === 201) {
                lotIds.set(key(op, op.lot), response.body.movements[0].lot_id);
                model.set(key(op, op.lot), (model.get(key(op, op.lot)) ?? 0) + op.quantity);
              }
              break;
            }
            case 'exit':
            case 'loss': {
              const withExpired = op.kind === 'loss' || op.allowExpired;
              const order = sellable(withExpired).sort((a, b) => LOT_OFFSETS[a]! - LOT_OFFSETS[b]!);
              const available = order.reduce((sum, lot) => sum + (model.get(key(op, lot)) ?? 0), 0);
              const body =
                op.kind === 'exit'
                  ? {
                      site_id,
                      reason: 'p',
                      allow_expired: op.allowExpired,
                      items: [{ product_id, quantity: op.quantity }],
                    }
                  : { site_id, reason: 'p', items: [{ product_id, quantity: op.quantity }] };
              response = await api(t, 'POST', `/api/stock/${op.kind}/`, { token: admin.token, body });
              expected = available >= op.quantity ? 201 : 409;
              if (expected === 201) {
                let need = op.quantity;
                for (const lot of order) {
                  const take = Math.min(need, model.get(key(op, lot)) ?? 0);
                  if (take > 0) model.set(key(op, lot), model.get(key(op, lot))! - take);
                  need -= take;
                }
              } else {
                expect(response.body.error.details.shortages).toEqual([
                  expect.objectContaining({ product_id, requested: op.quantity, available }),
                ]);
              }
              break;
            }
            case 'exitLot':
            case 'adjust':
            case 'lossLot': {
              const lotId = lotIds.get(key(op, op.lot));
              const current = model.get(key(op, op.lot));
              const lot_id = lotId ?? '00000000-0000-4000-8000-000000000000';
              if (op.kind === 'exitLot') {
                response = await api(t, 'POST', '/api/stock/exit/', {
                  token: admin.token,
                  body: { site_id, reason: 'p', items: [{ product_id, lot_id, quantity: op.quantity }] },
                });
                const expired = LOT_OFFSETS[op.lot]! < 0;
                expected = !lotId ? 404 : expired || current! < op.quantity ? 409 : 201;
                if (expected === 201) model.set(key(op, op.lot), current! - op.quantity);
              } else if (op.kind === 'adjust') {
                response = await api(t, 'POST', '/api/stock/adjustment/', {
                  token: admin.token,
                  body: { site_id, reason: 'p', items: [{ lot_id, counted_quantity: op.counted }] },
                });
                expected = lotId ? 201 : 404;
                if (lotId) model.set(key(op, op.lot), op.counted);
              } else {
                response = await api(t, 'POST', '/api/stock/loss/', {
                  token: admin.token,
                  body: { site_id, reason: 'p', items: [{ lot_id }] },
                });
                expected = !lotId ? 404 : current === 0 ? 409 : 201;
                if (expected === 201) model.set(key(op, op.lot), 0);
              }
              break;
            }
          }
          expect(response.status, `${JSON.stringify(op)} → ${JSON.stringify(response.body)}`).toBe(expected);
        }

        for (const [lotKey, quantity] of model) {
          const [row] = await t.db
            .select({ quantity: lots.quantity })
            .from(lots)
            .where(eq(lots.id, lotIds.get(lotKey)!));
          expect(row!.quantity, lotKey).toBe(quantity);
        }
        expect(await ledgerProblems(t)).toEqual([]);
      }),
      { numRuns: 25 },
    );
  });
});

import type { WriteActor, WriteContext } from '../domain/write-context.ts';
import { receiveStock } from '../features/stock/stock-ledger.service.ts';
import { addDays } from '../lib/dates.ts';
import { findUserByUsername, listProductsByName } from './bootstrap.repo.ts';

/**
 * Opening stock for the demo, received through the ledger so it reads like real deliveries:
 * two lots per product, the fresh milk's first lot expiring tomorrow, and the cheese under
 * its alert threshold.
 */
export async function seedDemoStock(ctx: WriteContext<WriteActor>, siteId: string): Promise<void> {
  const stockManager = await findUserByUsername(ctx.tx, 'stocks');
  if (!stockManager) return;
  const actor = {
    userId: stockManager.id,
    username: stockManager.username,
    role: 'gestionnaire_stocks' as const,
    siteId,
    deviceId: null,
    requestId: 'bootstrap',
    ip: '127.0.0.1',
  };
  const today = ctx.clock.today;
  const catalog = await listProductsByName(ctx.tx);
  const lines = catalog.flatMap((product) => {
    const shelf = product.shelfLifeDays ?? 7;
    const isShort = product.name.startsWith('Wagashi');
    const firstExpiry =
      product.name === 'Lait frais pasteurisé 1 L'
        ? addDays(today, 1)
        : addDays(today, Math.max(1, Math.ceil(shelf / 2)));
    const secondExpiry = addDays(today, shelf);
    return [
      { productId: product.id, lotCode: `DEMO-${firstExpiry.replaceAll('-', '')}`, expiryDate: firstExpiry },
      {
        productId: product.id,
        lotCode: `DEMO-${secondExpiry.replaceAll('-', '')}`,
        expiryDate: secondExpiry,
      },
    ].map((lot, lotIndex) => ({
      ...lot,
      quantity: isShort ? 3 + lotIndex : product.minStockLevel * (lotIndex + 1),
    }));
  });
  // Received by the demo's stock manager, as a real delivery would be.
  await receiveStock(
    ctx.actingAs(actor),
    lines.filter((line) => line.quantity > 0),
    {
      siteId,
      reference: 'BL-DEMO-001',
      reason: 'Stock de démonstration',
    },
  );
}

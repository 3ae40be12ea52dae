import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { orderDeliveryIssues } from '../../db/schema.ts';
import type { Actor } from '../../domain/actor.ts';
import type { AppError } from '../../domain/errors.ts';

export type DeliveryIssue = { orderId: string; actor: Actor; error: AppError };

/**
 * Keeps, per order, the last delivery the depot refused (for lack of stock), in the refused
 * delivery's own transaction: each row replaces the order's previous one. Its trigger logs the
 * order for the sync pull, so the vendor's card says why the order waits (sync-pull.repo.ts).
 */
export async function recordDeliveryIssues(tx: Db, issues: readonly DeliveryIssue[]): Promise<void> {
  if (issues.length === 0) return;
  await tx
    .insert(orderDeliveryIssues)
    .values(
      issues.map(({ orderId, actor, error }) => ({
        orderId,
        code: error.code,
        message: error.message,
        details: error.details ?? null,
        recordedBy: actor.userId,
        deviceId: actor.deviceId,
      })),
    )
    .onConflictDoUpdate({
      target: orderDeliveryIssues.orderId,
      set: {
        code: sql`excluded.code`,
        message: sql`excluded.message`,
        details: sql`excluded.details`,
        recordedBy: sql`excluded.recorded_by`,
        deviceId: sql`excluded.device_id`,
        createdAt: sql`now()`,
      },
    });
}

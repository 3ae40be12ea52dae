import { randomUUID } from 'node:crypto';
import type { MoneyMethod } from '@gapal/shared';
import type { Db } from '../../db/client.ts';
import { payments } from '../../db/schema.ts';

type Recorder = { recordedBy: string; deviceId: string | null };

/** A refund: a negative payment of the order, with its method and reference. */
export async function insertRefund(
  tx: Db,
  refund: { orderId: string; amount: number; method: MoneyMethod; reference: string } & Recorder,
) {
  const [row] = await tx
    .insert(payments)
    .values({ ...refund, amount: -refund.amount })
    .returning();
  return row!;
}

/**
 * A credit moved from one order to another, as two rows written together: out of the source
 * (negative) and into the target (positive, naming the row it came from; unique, so a credit
 * moved out pays one order once). Each row's reference is the other order's number.
 */
export async function insertCreditTransfer(
  tx: Db,
  transfer: {
    from: { orderId: string; number: string };
    to: { orderId: string; number: string };
    amount: number;
  } & Recorder,
) {
  const outId = randomUUID();
  const common = { method: 'avoir' as const, recordedBy: transfer.recordedBy, deviceId: transfer.deviceId };
  const rows = await tx
    .insert(payments)
    .values([
      {
        ...common,
        id: outId,
        orderId: transfer.from.orderId,
        amount: -transfer.amount,
        reference: transfer.to.number,
      },
      {
        ...common,
        orderId: transfer.to.orderId,
        amount: transfer.amount,
        reference: transfer.from.number,
        creditSourceId: outId,
      },
    ])
    .returning();
  return { out: rows.find((row) => row.id === outId)!, in: rows.find((row) => row.id !== outId)! };
}

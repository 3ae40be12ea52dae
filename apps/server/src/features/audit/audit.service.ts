import type { WriteActor, WriteContext } from '../../domain/write-context.ts';
import { type AuditRow, insertAudits } from './audit.repo.ts';

export type { AuditRecord, AuditSource } from './audit.repo.ts';

/** Appends one row to the audit trail, in the write's transaction, as the write's actor. */
export async function recordAudit(ctx: WriteContext<WriteActor>, record: AuditRow['record']): Promise<void> {
  await insertAudits(ctx.tx, [{ source: ctx.actor, record }]);
}

/**
 * Appends rows to the audit trail in one statement, in the write's transaction: a batch of
 * changes, each with its own actor (a delivery batch's requests).
 */
export async function recordAudits(
  ctx: WriteContext<WriteActor>,
  entries: readonly AuditRow[],
): Promise<void> {
  await insertAudits(ctx.tx, entries);
}

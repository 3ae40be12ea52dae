import { type Db, queryPrepared } from '../../db/client.ts';
import type { WriteActor, WriteContext } from '../../domain/write-context.ts';

export type AuditRecord = {
  action: string;
  entity: string;
  entityId?: string | null;
  siteId?: string | null;
  before?: unknown;
  after?: unknown;
};

/** Who may act without a signed-in user (login, bootstrap): only the request is known. */
export type AuditSource = WriteActor;

/** Appends one row to the audit trail, in the write's transaction, as the write's actor. */
export async function recordAudit(ctx: WriteContext<WriteActor>, record: AuditRecord): Promise<void>;
/**
 * The same with an explicit transaction and source: the form of the slices not yet written
 * through `runWrite` (goes once they all are).
 */
export async function recordAudit(tx: Db, source: AuditSource, record: AuditRecord): Promise<void>;
export async function recordAudit(
  first: WriteContext<WriteActor> | Db,
  second: AuditSource | AuditRecord,
  third?: AuditRecord,
): Promise<void> {
  if ('publishAfterCommit' in first) {
    await recordAudits(first.tx, [{ source: first.actor, record: second as AuditRecord }]);
  } else await recordAudits(first, [{ source: second as AuditSource, record: third! }]);
}

/** Appends rows to the audit trail in one statement (a batch of changes, each with its actor). */
export async function recordAudits(
  tx: Db,
  entries: readonly { source: AuditSource; record: AuditRecord }[],
): Promise<void> {
  if (entries.length === 0) return;
  // Prepared: every change of every feature writes its rows here.
  await queryPrepared(tx, 'audit_record', auditInsertSql('$1'), [auditValues(entries)]);
}

/**
 * The insert of `recordAudits`, for a statement that writes the audit rows along with its own
 * change (a data-modifying `WITH`, orders/order-status-change.ts): `param` holds `auditValues(entries)`.
 * One JSON parameter for all rows, as notifications.repo.ts does; dates become ISO text.
 */
export function auditInsertSql(param: string): string {
  return `INSERT INTO audit_log (user_id, device_id, site_id, action, entity, entity_id, before, after, request_id, ip)
     SELECT user_id, device_id, site_id, action, entity, entity_id, before, after, request_id, ip
     FROM jsonb_to_recordset(${param}::jsonb) AS x(user_id uuid, device_id uuid, site_id uuid, action text,
       entity text, entity_id text, before jsonb, after jsonb, request_id text, ip text)`;
}

export function auditValues(entries: readonly { source: AuditSource; record: AuditRecord }[]): string {
  return JSON.stringify(
    entries.map(({ source, record }) => ({
      user_id: source.userId ?? null,
      device_id: source.deviceId ?? null,
      site_id: record.siteId ?? null,
      action: record.action,
      entity: record.entity,
      entity_id: record.entityId ?? null,
      before: record.before ?? null,
      after: record.after ?? null,
      request_id: source.requestId,
      ip: source.ip,
    })),
  );
}

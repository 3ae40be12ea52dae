import { type Db, queryPrepared } from '../../db/client.ts';
import type { Actor } from '../../http/auth.ts';

export type AuditRecord = {
  action: string;
  entity: string;
  entityId?: string | null;
  siteId?: string | null;
  before?: unknown;
  after?: unknown;
};

/** Who may act without a signed-in user (login, bootstrap): only the request is known. */
export type AuditSource = Pick<Actor, 'requestId' | 'ip'> & Partial<Pick<Actor, 'userId' | 'deviceId'>>;

/** Appends one row to the audit trail; call it inside the transaction of the change. */
export async function recordAudit(tx: Db, source: AuditSource, record: AuditRecord): Promise<void> {
  // Prepared: every change of every feature writes one.
  await queryPrepared(
    tx,
    'audit_record',
    `INSERT INTO audit_log (user_id, device_id, site_id, action, entity, entity_id, before, after, request_id, ip)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10)`,
    [
      source.userId ?? null,
      source.deviceId ?? null,
      record.siteId ?? null,
      record.action,
      record.entity,
      record.entityId ?? null,
      toJson(record.before),
      toJson(record.after),
      source.requestId,
      source.ip,
    ],
  );
}

/** Plain JSON (dates as ISO text), or SQL NULL for nothing; secrets are never passed in here. */
function toJson(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

import type { Db } from '../../db/client.ts';
import { auditLog } from '../../db/schema.ts';
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
  await tx.insert(auditLog).values({
    userId: source.userId ?? null,
    deviceId: source.deviceId ?? null,
    siteId: record.siteId ?? null,
    action: record.action,
    entity: record.entity,
    entityId: record.entityId ?? null,
    before: record.before === undefined ? null : toJson(record.before),
    after: record.after === undefined ? null : toJson(record.after),
    requestId: source.requestId,
    ip: source.ip,
  });
}

function toJson(value: unknown): unknown {
  // Dates and other objects become plain JSON; secrets are never passed in here.
  return JSON.parse(JSON.stringify(value));
}

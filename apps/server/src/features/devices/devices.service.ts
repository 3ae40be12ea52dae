import type { Device, UpdateDeviceInput } from '@gapal/shared';
import type { Db } from '../../db/client.ts';
import { AppError, notFound } from '../../domain/errors.ts';
import type { WriteContext } from '../../domain/write-context.ts';
import { toIso } from '../../lib/dates.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { revokeSessions } from '../auth/sessions.repo.ts';
import { findSiteRow } from '../sites/sites.repo.ts';
import { findUserRow } from '../users/users.repo.ts';
import { type DeviceRow, lockDevice, selectDevices, updateDeviceRow } from './devices.repo.ts';

export function toDeviceDto(row: DeviceRow): Device {
  return {
    id: row.id,
    serial: row.serial,
    name: row.name,
    site_id: row.siteId,
    user_id: row.userId,
    is_revoked: row.revokedAt !== null,
    revoked_at: toIso(row.revokedAt),
    last_seen_at: toIso(row.lastSeenAt),
    created_at: toIso(row.createdAt),
  };
}

export async function listDevices(
  db: Db,
  filter: { site_id?: string; is_revoked?: 'true' | 'false' },
): Promise<Device[]> {
  const rows = await selectDevices(db, {
    siteId: filter.site_id,
    isRevoked: filter.is_revoked === undefined ? undefined : filter.is_revoked === 'true',
  });
  return rows.map(toDeviceDto);
}

async function lockExistingDevice(tx: Db, id: string): Promise<DeviceRow> {
  const row = await lockDevice(tx, id);
  if (!row) throw notFound('Appareil');
  return row;
}

/** A phone moved to another site: its sessions end and its sockets close (`token_invalid`). */
export async function updateDevice(ctx: WriteContext, id: string, input: UpdateDeviceInput): Promise<Device> {
  const { tx } = ctx;
  const before = await lockExistingDevice(tx, id);
  if (input.site_id && !(await findSiteRow(tx, input.site_id))) {
    throw new AppError('validation_error', 'Site inconnu', {
      fields: [{ field: 'site_id', message: 'inconnu', code: 'unknown_reference' }],
    });
  }
  if (input.user_id && !(await findUserRow(tx, input.user_id))) {
    throw new AppError('validation_error', 'Utilisateur inconnu', {
      fields: [{ field: 'user_id', message: 'inconnu', code: 'unknown_reference' }],
    });
  }
  const after = await updateDeviceRow(tx, id, {
    name: input.name ?? before.name,
    siteId: input.site_id ?? before.siteId,
    userId: input.user_id === undefined ? before.userId : input.user_id,
  });
  // A phone moved to another site starts a fresh session there.
  if (after.siteId !== before.siteId) {
    await revokeSessions(tx, { deviceId: id });
    ctx.endSessionsAfterCommit({ deviceId: id, reason: 'token_invalid' });
  }
  await recordAudit(ctx, {
    action: 'device.update',
    entity: 'device',
    entityId: id,
    siteId: after.siteId,
    before,
    after,
  });
  return toDeviceDto(after);
}

/** A lost phone: its tokens stop working at once, its sockets close on every process, it can no longer sync. */
export async function revokeDevice(ctx: WriteContext, id: string): Promise<Device> {
  const before = await lockExistingDevice(ctx.tx, id);
  const after = await updateDeviceRow(ctx.tx, id, { revokedAt: before.revokedAt ?? new Date() });
  await revokeSessions(ctx.tx, { deviceId: id });
  await recordAudit(ctx, {
    action: 'device.revoke',
    entity: 'device',
    entityId: id,
    siteId: after.siteId,
    before,
    after,
  });
  ctx.endSessionsAfterCommit({ deviceId: id, reason: 'device_revoked' });
  return toDeviceDto(after);
}

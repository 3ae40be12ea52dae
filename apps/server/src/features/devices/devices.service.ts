import type { Device, UpdateDeviceInput } from '@gapal/shared';
import { and, desc, eq, isNotNull, isNull, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { devices, refreshTokens, sites, users } from '../../db/schema.ts';
import type { Actor } from '../../domain/actor.ts';
import { AppError, notFound } from '../../domain/errors.ts';
import { toIso } from '../../lib/dates.ts';
import type { EventBus } from '../../realtime/bus.ts';
import { publishSessionEnds, type SessionEnd } from '../../realtime/session-end.ts';
import { recordAudit } from '../audit/audit.service.ts';

type DeviceRow = typeof devices.$inferSelect;

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
  const conditions: SQL[] = [];
  if (filter.site_id) conditions.push(eq(devices.siteId, filter.site_id));
  if (filter.is_revoked) {
    conditions.push(filter.is_revoked === 'true' ? isNotNull(devices.revokedAt) : isNull(devices.revokedAt));
  }
  const rows = await db
    .select()
    .from(devices)
    .where(and(...conditions))
    .orderBy(desc(devices.lastSeenAt), desc(devices.createdAt));
  return rows.map(toDeviceDto);
}

async function lockDevice(tx: Db, id: string): Promise<DeviceRow> {
  const [row] = await tx.select().from(devices).where(eq(devices.id, id)).for('update');
  if (!row) throw notFound('Appareil');
  return row;
}

/** A phone moved to another site: its sessions end and its sockets close (`token_invalid`). */
export async function updateDevice(
  deps: { db: Db; bus: EventBus },
  actor: Actor,
  id: string,
  input: UpdateDeviceInput,
): Promise<Device> {
  const ends: SessionEnd[] = [];
  const device = await deps.db.transaction(async (tx) => {
    const before = await lockDevice(tx, id);
    if (input.site_id) {
      const [site] = await tx.select({ id: sites.id }).from(sites).where(eq(sites.id, input.site_id));
      if (!site) {
        throw new AppError('validation_error', 'Site inconnu', {
          fields: [{ field: 'site_id', message: 'inconnu', code: 'unknown_reference' }],
        });
      }
    }
    if (input.user_id) {
      const [user] = await tx.select({ id: users.id }).from(users).where(eq(users.id, input.user_id));
      if (!user) {
        throw new AppError('validation_error', 'Utilisateur inconnu', {
          fields: [{ field: 'user_id', message: 'inconnu', code: 'unknown_reference' }],
        });
      }
    }
    const [after] = await tx
      .update(devices)
      .set({
        name: input.name ?? before.name,
        siteId: input.site_id ?? before.siteId,
        userId: input.user_id === undefined ? before.userId : input.user_id,
      })
      .where(eq(devices.id, id))
      .returning();
    // A phone moved to another site starts a fresh session there.
    if (after!.siteId !== before.siteId) {
      await revokeDeviceSessions(tx, id);
      ends.push({ deviceId: id, reason: 'token_invalid' });
    }
    await recordAudit(tx, actor, {
      action: 'device.update',
      entity: 'device',
      entityId: id,
      siteId: after!.siteId,
      before,
      after,
    });
    return toDeviceDto(after!);
  });
  await publishSessionEnds(deps.bus, ends);
  return device;
}

/** A lost phone: its tokens stop working at once, its sockets close on every process, it can no longer sync. */
export async function revokeDevice(
  deps: { db: Db; bus: EventBus },
  actor: Actor,
  id: string,
): Promise<Device> {
  const device = await deps.db.transaction(async (tx) => {
    const before = await lockDevice(tx, id);
    const [after] = await tx
      .update(devices)
      .set({ revokedAt: before.revokedAt ?? new Date() })
      .where(eq(devices.id, id))
      .returning();
    await revokeDeviceSessions(tx, id);
    await recordAudit(tx, actor, {
      action: 'device.revoke',
      entity: 'device',
      entityId: id,
      siteId: after!.siteId,
      before,
      after,
    });
    return toDeviceDto(after!);
  });
  await publishSessionEnds(deps.bus, [{ deviceId: id, reason: 'device_revoked' }]);
  return device;
}

async function revokeDeviceSessions(tx: Db, deviceId: string): Promise<void> {
  await tx
    .update(refreshTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(refreshTokens.deviceId, deviceId), isNull(refreshTokens.revokedAt)));
}

import { and, desc, eq, isNotNull, isNull, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { devices } from '../../db/schema.ts';

export type DeviceRow = typeof devices.$inferSelect;
type NewDevice = typeof devices.$inferInsert;

/** Devices of a site and/or by revocation, most recently seen first. */
export async function selectDevices(
  db: Db,
  filter: { siteId?: string; isRevoked?: boolean },
): Promise<DeviceRow[]> {
  const conditions: SQL[] = [];
  if (filter.siteId) conditions.push(eq(devices.siteId, filter.siteId));
  if (filter.isRevoked !== undefined) {
    conditions.push(filter.isRevoked ? isNotNull(devices.revokedAt) : isNull(devices.revokedAt));
  }
  return db
    .select()
    .from(devices)
    .where(and(...conditions))
    .orderBy(desc(devices.lastSeenAt), desc(devices.createdAt));
}

export async function findDeviceRow(db: Db, id: string): Promise<DeviceRow | undefined> {
  const [row] = await db.select().from(devices).where(eq(devices.id, id));
  return row;
}

/** The device, locked for the rest of the transaction. */
export async function lockDevice(tx: Db, id: string): Promise<DeviceRow | undefined> {
  const [row] = await tx.select().from(devices).where(eq(devices.id, id)).for('update');
  return row;
}

/** The device with this serial, locked for the rest of the transaction (login registers it). */
export async function lockDeviceBySerial(tx: Db, serial: string): Promise<DeviceRow | undefined> {
  const [row] = await tx.select().from(devices).where(eq(devices.serial, serial)).for('update');
  return row;
}

export async function insertDevice(tx: Db, values: NewDevice): Promise<DeviceRow> {
  const [row] = await tx.insert(devices).values(values).returning();
  return row!;
}

/** Sets the given columns and returns the row as it is now. */
export async function updateDeviceRow(tx: Db, id: string, changes: Partial<NewDevice>): Promise<DeviceRow> {
  const [row] = await tx.update(devices).set(changes).where(eq(devices.id, id)).returning();
  return row!;
}

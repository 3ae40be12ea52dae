import type { Client, ClientListItem, SyncClient } from '@gapal/shared';
import { toIso } from '../../lib/dates.ts';
import type { ClientFigures, ClientRow } from './clients.repo.ts';

export function toClientDto(row: ClientRow, createdByName: string | null): Client {
  return {
    id: row.id,
    site_id: row.siteId,
    name: row.name,
    phone: row.phone,
    area: row.area,
    address: row.address,
    kind: row.kind,
    notes: row.notes,
    credit_limit: row.creditLimit,
    is_active: row.isActive,
    merged_into_id: row.mergedIntoId,
    created_by: row.createdBy,
    created_by_name: createdByName,
    device_id: row.deviceId,
    created_at: toIso(row.createdAt),
    updated_at: toIso(row.updatedAt),
    version: row.version,
  };
}

export function toClientListItem(
  row: ClientRow,
  createdByName: string | null,
  figures: ClientFigures,
): ClientListItem {
  return {
    ...toClientDto(row, createdByName),
    balance: figures.balance,
    last_order_at: toIso(figures.lastOrderAt),
    order_count: figures.orderCount,
  };
}

/** A client as the pull carries it (no creator's name: the phone does not show it). */
export function toSyncClient(row: ClientRow, figures: ClientFigures): SyncClient {
  const { created_by_name: _name, ...client } = toClientDto(row, null);
  return { ...client, balance: figures.balance, last_order_at: toIso(figures.lastOrderAt) };
}

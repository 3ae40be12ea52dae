import {
  type Client,
  type ClientDetail,
  type ClientListQuery,
  type ClientPage,
  type CreateClientInput,
  type DeactivateClientInput,
  foldClientName,
  paymentKindOf,
  phoneSearchDigits,
  type UpdateClientInput,
} from '@gapal/shared';
import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import type { Actor } from '../../domain/actor.ts';
import { AppError, notFound } from '../../domain/errors.ts';
import type { WriteContext } from '../../domain/write-context.ts';
import { decodeCursor, encodeCursor, withCursorKey } from '../../lib/cursor.ts';
import { toIso } from '../../lib/dates.ts';
import { assertSiteVisible, scopeSite, siteForWrite } from '../../lib/site-scope.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { toOrderSummary } from '../orders/order-dto.ts';
import { findSiteRow } from '../sites/sites.repo.ts';
import { toClientDto, toClientListItem } from './client-dto.ts';
import {
  type ClientRow,
  findClientByPhone,
  findClientRow,
  insertClient,
  readClient,
  selectClientOrders,
  selectClientPage,
  selectClientPayments,
  updateClientRow,
} from './clients.repo.ts';

/** How many orders and payments the client's page shows. */
const DETAIL_ROWS = 50;

const CursorSchema = z.object({
  sort: z.enum(['name', 'last_order_at']),
  direction: z.enum(['asc', 'desc']),
  key: z.string().max(200),
  id: z.uuid(),
});

export async function listClients(db: Db, actor: Actor, query: ClientListQuery): Promise<ClientPage> {
  const siteId = scopeSite(actor, query.site_id);
  const direction = query.direction ?? (query.sort === 'name' ? 'asc' : 'desc');
  let after: { key: string; id: string } | undefined;
  if (query.cursor) {
    const cursor = decodeCursor(query.cursor, CursorSchema);
    if (cursor.sort !== query.sort || cursor.direction !== direction) {
      throw new AppError('validation_error', 'Curseur d’un autre tri', {
        fields: [{ field: 'cursor', message: 'tri différent', code: 'cursor_other_sort' }],
      });
    }
    after = { key: cursor.key, id: cursor.id };
  }
  const digits = phoneSearchDigits(query.search ?? '');
  const rows = await withCursorKey(
    query.cursor,
    selectClientPage(
      db,
      {
        siteId,
        isActive: query.is_active ?? true,
        kind: query.kind,
        nameSearch: query.search ? foldClientName(query.search) : undefined,
        phoneDigits: digits || undefined,
      },
      { sort: query.sort, direction, after, limit: query.limit },
    ),
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map(({ client, figures }) => toClientListItem(client, client.createdByName, figures)),
    next_cursor:
      rows.length > query.limit && last
        ? encodeCursor({ sort: query.sort, direction, key: last.sortKey, id: last.client.id })
        : null,
  };
}

export async function getClient(db: Db, actor: Actor, id: string): Promise<ClientDetail> {
  const found = await readClient(db, id);
  if (!found) throw notFound('Client');
  assertSiteVisible(actor, found.client.siteId, 'Client');
  const [orders, payments] = await Promise.all([
    selectClientOrders(db, id, DETAIL_ROWS),
    selectClientPayments(db, id, DETAIL_ROWS),
  ]);
  return {
    ...toClientListItem(found.client, found.client.createdByName, found.figures),
    total_amount: found.figures.totalAmount,
    returned_amount: found.figures.returnedAmount,
    paid_amount: found.figures.paidAmount,
    orders: orders.map(({ order, createdByName }) => toOrderSummary(order, createdByName)),
    payments: payments.map((payment) => ({
      id: payment.id,
      order_id: payment.orderId,
      order_number: payment.orderNumber,
      amount: payment.amount,
      method: payment.method,
      kind: paymentKindOf(payment.amount, payment.method),
      reference: payment.reference,
      created_at: toIso(payment.createdAt),
    })),
  };
}

/** The client as a write answers it (read in the write's transaction, with its creator's name). */
export async function clientAnswer(db: Db, id: string): Promise<Client> {
  const found = await readClient(db, id);
  if (!found) throw notFound('Client');
  return toClientDto(found.client, found.client.createdByName);
}

/** What a create gives, and whether it made the client (a replay of a phone's id does not). */
export type CreatedClient = { client: Client; created: boolean };

type ClientFields = Pick<ClientRow, 'name' | 'phone' | 'area' | 'address' | 'kind' | 'notes' | 'creditLimit'>;

function fieldsOf(input: CreateClientInput): ClientFields {
  return {
    name: input.name,
    phone: input.phone ?? null,
    area: input.area ?? null,
    address: input.address ?? null,
    kind: input.kind ?? 'autre',
    notes: input.notes ?? null,
    creditLimit: input.credit_limit ?? null,
  };
}

function sameFields(row: ClientRow, fields: ClientFields): boolean {
  return (Object.keys(fields) as (keyof ClientFields)[]).every((key) => row[key] === fields[key]);
}

/** 409 `client_phone_taken` naming the client that has the phone. */
export function phoneTaken(holder: Pick<ClientRow, 'id' | 'name'>): AppError {
  return new AppError('client_phone_taken', `Ce numéro est déjà celui du client « ${holder.name} »`, {
    client: { id: holder.id, name: holder.name },
    fields: [{ field: 'phone', message: 'déjà utilisé', code: 'already_used' }],
  });
}

/**
 * Creates a client on the caller's site (an admin's: the one named). A phone's id sent again with
 * the same content answers the client as it is (`created: false`); with other content, 409.
 */
export async function createClient(ctx: WriteContext, input: CreateClientInput): Promise<CreatedClient> {
  const siteId = siteForWrite(ctx.actor, input.site_id);
  const site = await findSiteRow(ctx.tx, siteId);
  if (!site) throw notFound('Site');
  const fields = fieldsOf(input);
  if (input.id) {
    const existing = await findClientRow(ctx.tx, input.id);
    if (existing) {
      if (existing.siteId === siteId && sameFields(existing, fields)) {
        return { client: await clientAnswer(ctx.tx, existing.id), created: false };
      }
      throw new AppError(
        'client_id_taken',
        'Cet identifiant de client est déjà utilisé par un autre client',
        {
          fields: [{ field: 'id', message: 'déjà utilisé', code: 'already_used' }],
        },
      );
    }
  }
  if (fields.phone) {
    const holder = await findClientByPhone(ctx.tx, siteId, fields.phone);
    if (holder) throw phoneTaken(holder);
  }
  const row = await insertClient(ctx.tx, {
    ...(input.id ? { id: input.id } : {}),
    siteId,
    ...fields,
    createdBy: ctx.actor.userId,
    deviceId: ctx.actor.deviceId,
  });
  await recordAudit(ctx, { action: 'client.create', entity: 'client', entityId: row.id, siteId, after: row });
  return { client: await clientAnswer(ctx.tx, row.id), created: true };
}

/** The client locked for a change: 404 if unseen, 409 if merged away or moved on. */
async function lockForChange(ctx: WriteContext, id: string, version: number | undefined): Promise<ClientRow> {
  const row = await findClientRow(ctx.tx, id, true);
  if (!row) throw notFound('Client');
  assertSiteVisible(ctx.actor, row.siteId, 'Client');
  if (row.mergedIntoId) {
    throw new AppError('conflict', 'Ce client a été fusionné avec un autre : modifiez celui-ci', {
      merged_into_id: row.mergedIntoId,
    });
  }
  if (version !== undefined && version !== row.version) {
    throw new AppError('version_conflict', 'Ce client a été modifié entre-temps : rechargez', {
      current_version: row.version,
    });
  }
  return row;
}

export async function updateClient(ctx: WriteContext, id: string, input: UpdateClientInput): Promise<Client> {
  const before = await lockForChange(ctx, id, input.version);
  if (input.phone && input.phone !== before.phone) {
    const holder = await findClientByPhone(ctx.tx, before.siteId, input.phone, id);
    if (holder) throw phoneTaken(holder);
  }
  const after = await updateClientRow(ctx.tx, id, {
    name: input.name ?? before.name,
    phone: input.phone === undefined ? before.phone : input.phone,
    area: input.area === undefined ? before.area : input.area,
    address: input.address === undefined ? before.address : input.address,
    kind: input.kind ?? before.kind,
    notes: input.notes === undefined ? before.notes : input.notes,
    creditLimit: input.credit_limit === undefined ? before.creditLimit : input.credit_limit,
    isActive: input.is_active ?? before.isActive,
  });
  await recordAudit(ctx, {
    action: 'client.update',
    entity: 'client',
    entityId: id,
    siteId: before.siteId,
    before,
    after,
  });
  return clientAnswer(ctx.tx, after.id);
}

/** The client leaves the lists and the phones; their orders keep it. Deactivating twice is a no-op. */
export async function deactivateClient(
  ctx: WriteContext,
  id: string,
  input: DeactivateClientInput,
): Promise<Client> {
  const before = await lockForChange(ctx, id, input.version);
  if (!before.isActive) return clientAnswer(ctx.tx, id);
  const after = await updateClientRow(ctx.tx, id, { isActive: false });
  await recordAudit(ctx, {
    action: 'client.deactivate',
    entity: 'client',
    entityId: id,
    siteId: before.siteId,
    before,
    after,
  });
  return clientAnswer(ctx.tx, id);
}

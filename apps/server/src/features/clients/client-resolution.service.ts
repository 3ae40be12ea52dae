import type { CreateClientInput, SyncClientRef } from '@gapal/shared';
import { AppError } from '../../domain/errors.ts';
import type { WriteContext } from '../../domain/write-context.ts';
import { recordAudit } from '../audit/audit.service.ts';
import {
  type ClientRow,
  findClientByPhone,
  findClientRow,
  insertClient,
  lockClientShared,
} from './clients.repo.ts';

/** A client as a phone or an order sends it: the phone's UUID and the fields, no site. */
export type PhoneClientInput = Omit<CreateClientInput, 'site_id'> & { id: string };

function unknownClient(field: string): AppError {
  return new AppError('validation_error', 'Client inconnu ou désactivé sur ce site', {
    fields: [{ field, message: 'inconnu ou inactif', code: 'unknown_reference' }],
  });
}

function sameContent(row: ClientRow, input: PhoneClientInput): boolean {
  return (
    row.name === input.name &&
    row.phone === (input.phone ?? null) &&
    row.area === (input.area ?? null) &&
    row.address === (input.address ?? null) &&
    row.kind === (input.kind ?? 'autre') &&
    row.notes === (input.notes ?? null) &&
    row.creditLimit === (input.credit_limit ?? null)
  );
}

/**
 * The active client of the site an order names, following a merge (an order a phone queued for a
 * merged or deduplicated client goes to the one kept). Locked FOR SHARE until the order is
 * written, so a merge (FOR UPDATE) waits and then moves that order too. Anything else, an unknown
 * id, another site's client or a deactivated one, is a 400 on `field`.
 */
export async function activeClientForOrder(
  ctx: WriteContext,
  siteId: string,
  clientId: string,
  field = 'client_id',
): Promise<ClientRow> {
  let row = await lockClientShared(ctx.tx, clientId);
  if (row?.mergedIntoId) row = await lockClientShared(ctx.tx, row.mergedIntoId);
  if (!row || row.siteId !== siteId || !row.isActive || row.mergedIntoId) throw unknownClient(field);
  return row;
}

/**
 * A client a phone made offline (the `create_client` mutation, or a new client inline on an
 * order), on the phone's site. Sent again with the same content: the client as it is. The same id
 * with other content: 409 `client_id_taken`. A live client of the site already has the phone: the
 * phone's one is stored as a row merged into it (so what the phone queued under its id still
 * finds its client) and the answer names the survivor.
 */
export async function createPhoneClient(
  ctx: WriteContext,
  siteId: string,
  input: PhoneClientInput,
): Promise<{ ref: SyncClientRef; client: ClientRow }> {
  const existing = await findClientRow(ctx.tx, input.id);
  if (existing) {
    if (existing.siteId !== siteId || !sameContent(existing, input)) {
      throw new AppError(
        'client_id_taken',
        'Cet identifiant de client est déjà utilisé par un autre client',
        {
          fields: [{ field: 'id', message: 'déjà utilisé', code: 'already_used' }],
        },
      );
    }
    const survivor = existing.mergedIntoId ? await findClientRow(ctx.tx, existing.mergedIntoId) : existing;
    return {
      ref: { requested_id: input.id, id: survivor!.id, version: survivor!.version },
      client: survivor!,
    };
  }
  const holder = input.phone ? await findClientByPhone(ctx.tx, siteId, input.phone) : undefined;
  const row = await insertClient(ctx.tx, {
    id: input.id,
    siteId,
    name: input.name,
    phone: input.phone ?? null,
    area: input.area ?? null,
    address: input.address ?? null,
    kind: input.kind ?? 'autre',
    notes: input.notes ?? null,
    creditLimit: input.credit_limit ?? null,
    createdBy: ctx.actor.userId,
    deviceId: ctx.actor.deviceId,
    ...(holder ? { isActive: false, mergedIntoId: holder.id } : {}),
  });
  await recordAudit(ctx, {
    action: holder ? 'client.deduplicate' : 'client.create',
    entity: 'client',
    entityId: row.id,
    siteId,
    after: row,
  });
  const survivor = holder ?? row;
  return { ref: { requested_id: input.id, id: survivor.id, version: survivor.version }, client: survivor };
}

import type { Client, MergeClientsInput } from '@gapal/shared';
import { AppError, notFound } from '../../domain/errors.ts';
import type { WriteContext } from '../../domain/write-context.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { lockClientRows, moveOrders, repointMerged, updateClientRow } from './clients.repo.ts';
import { clientAnswer } from './clients.service.ts';

function invalidMerge(message: string): AppError {
  return new AppError('client_merge_invalid', message);
}

/**
 * Merges `merged_id` into `kept_id` (admin): the orders move, and with them their payments; the
 * merged client stays as an inactive row pointing at the kept one (an order a phone queued for it
 * still finds its client) and lends the kept one the phone, area and address it lacks. Both are
 * locked in id order; one audit row records the two before and after.
 */
export async function mergeClients(ctx: WriteContext, input: MergeClientsInput): Promise<Client> {
  if (input.kept_id === input.merged_id)
    throw invalidMerge('Un client ne peut pas être fusionné avec lui-même');
  const locked = await lockClientRows(ctx.tx, [input.kept_id, input.merged_id]);
  const kept = locked.get(input.kept_id);
  const merged = locked.get(input.merged_id);
  if (!kept || !merged) throw notFound('Client');
  if (kept.siteId !== merged.siteId) throw invalidMerge('Les deux clients ne sont pas du même site');
  if (kept.mergedIntoId || merged.mergedIntoId) throw invalidMerge('L’un des deux clients est déjà fusionné');
  if (!kept.isActive) throw invalidMerge('Le client gardé est désactivé : réactivez-le d’abord');

  const movedOrders = await moveOrders(ctx.tx, merged.id, kept.id);
  await repointMerged(ctx.tx, merged.id, kept.id);
  // The merged row leaves the phone's uniqueness first, then the kept one may take its phone.
  const mergedAfter = await updateClientRow(ctx.tx, merged.id, { isActive: false, mergedIntoId: kept.id });
  const keptAfter = await updateClientRow(ctx.tx, kept.id, {
    phone: kept.phone ?? merged.phone,
    area: kept.area ?? merged.area,
    address: kept.address ?? merged.address,
  });
  await recordAudit(ctx, {
    action: 'client.merge',
    entity: 'client',
    entityId: kept.id,
    siteId: kept.siteId,
    before: { kept, merged },
    after: { kept: keptAfter, merged: mergedAfter, moved_orders: movedOrders },
  });
  return clientAnswer(ctx.tx, kept.id);
}

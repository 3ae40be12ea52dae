import {
  fieldIssueOf,
  type Order,
  OrderSummarySchema,
  SYNC_REJECT_MESSAGES,
  type SyncClientRef,
  type SyncMutation,
  SyncMutationArgsSchemas,
  type SyncMutationName,
  type SyncMutationResult,
  type SyncOrderRef,
  type SyncRejectReason,
} from '@gapal/shared';
import type { z } from 'zod';
import type { Db } from '../../db/client.ts';
import { postgresErrorCode } from '../../db/database-errors.ts';
import type { Actor } from '../../domain/actor.ts';
import { AppError, notFound } from '../../domain/errors.ts';
import type { WriteContext } from '../../domain/write-context.ts';
import { createPhoneClient } from '../clients/client-resolution.service.ts';
import { changeStatus, recordPayment } from '../orders/order-lifecycle.service.ts';
import { createOrder, getOrder, updateOrderContent } from '../orders/orders.service.ts';
import { findOrderIdByLocalId } from './sync.repo.ts';

/** A mutation the server refuses: stored with its reason, and the device's sequence moves on. */
export class SyncRejection extends Error {
  constructor(readonly reason: SyncRejectReason) {
    super(reason.message);
  }
}

const isKnownName = (name: string): name is SyncMutationName => name in SyncMutationArgsSchemas;

/** Checks a mutation's name and arguments; throws a `SyncRejection` saying what is wrong. */
export function parseArgs<N extends SyncMutationName>(
  name: N,
  args: unknown,
): z.infer<(typeof SyncMutationArgsSchemas)[N]>;
export function parseArgs(name: string, args: unknown): unknown;
export function parseArgs(name: string, args: unknown): unknown {
  if (!isKnownName(name)) {
    throw new SyncRejection({
      code: 'unknown_mutation',
      message: `${SYNC_REJECT_MESSAGES.unknown_mutation} : ${name}`,
      details: { known: Object.keys(SyncMutationArgsSchemas) },
    });
  }
  const parsed = SyncMutationArgsSchemas[name].safeParse(args);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => ({
      field: ['args', ...issue.path].join('.'),
      message: issue.message,
      ...fieldIssueOf(issue as never),
    }));
    throw new SyncRejection({
      code: 'validation_error',
      message: `Données invalides : ${fields.map((field) => field.field).join(', ')}`,
      details: { fields },
    });
  }
  return parsed.data;
}

/** What an applied mutation answers: the order it is about, or for `create_client` the client. */
export type Applied = { order: SyncOrderRef } | { client: SyncClientRef };

/**
 * Applies one mutation through the orders services (a client through the clients' one), inside the push's write (in its savepoint,
 * sync-general-path.ts), as the push's actor with the device's id. Every rule of the REST API
 * holds (status machine, versions, roles, site): a refusal is an AppError here.
 */
export async function applyMutation(
  ctx: WriteContext,
  deviceSiteId: string,
  mutation: SyncMutation,
): Promise<Applied> {
  const { tx, actor } = ctx;
  const version = mutation.base_version;
  switch (mutation.name) {
    case 'create_order': {
      const args = parseArgs('create_order', mutation.args);
      const site = actor.role === 'admin' ? { site_id: deviceSiteId } : {};
      const { order } = await createOrder(ctx, { ...args, ...site });
      return { order: orderRef(order) };
    }
    case 'create_client': {
      const args = parseArgs('create_client', mutation.args);
      return { client: (await createPhoneClient(ctx, deviceSiteId, args)).ref };
    }
    case 'update_order': {
      const { local_id, ...changes } = parseArgs('update_order', mutation.args);
      const id = await orderIdOf(tx, local_id);
      return { order: orderRef(await updateOrderContent(ctx, id, { ...changes, version })) };
    }
    case 'cancel_order': {
      const { local_id } = parseArgs('cancel_order', mutation.args);
      const id = await orderIdOf(tx, local_id);
      return { order: orderRef(await changeStatus(ctx, id, { status: 'annulee', version })) };
    }
    case 'record_payment': {
      const { local_id, ...payment } = parseArgs('record_payment', mutation.args);
      const id = await orderIdOf(tx, local_id);
      return { order: orderRef(await recordPayment(ctx, id, { ...payment, version })) };
    }
    case 'set_status': {
      const { local_id, ...change } = parseArgs('set_status', mutation.args);
      const id = await orderIdOf(tx, local_id);
      return { order: orderRef(await changeStatus(ctx, id, { ...change, version })) };
    }
    default:
      parseArgs(mutation.name, mutation.args);
      throw new Error('unreachable');
  }
}

const REJECTED_DB_ERRORS: Record<string, string> = {
  '23505': 'Cette valeur existe déjà',
  '23503': 'Référence à une ressource inexistante',
  '23514': 'Opération refusée par une règle de cohérence',
};

/** The reason to store when applying failed for a business reason; undefined for anything else. */
export function rejectionReason(error: unknown): SyncRejectReason | undefined {
  if (error instanceof SyncRejection) return error.reason;
  if (error instanceof AppError) {
    return error.details === undefined
      ? { code: error.code, message: error.message }
      : { code: error.code, message: error.message, details: error.details };
  }
  const pgCode = postgresErrorCode(error);
  if (pgCode && REJECTED_DB_ERRORS[pgCode]) return { code: 'conflict', message: REJECTED_DB_ERRORS[pgCode] };
  return undefined;
}

/** The order a rejected mutation is about, as the server has it now, if the caller may see it. */
export async function currentOrderOf(
  db: Db,
  actor: Actor,
  mutation: SyncMutation,
): Promise<SyncMutationResult['current']> {
  const localId = (mutation.args as { local_id?: unknown } | null)?.local_id;
  if (typeof localId !== 'string' || !/^[0-9a-f-]{36}$/i.test(localId)) return null;
  const id = await findOrderIdByLocalId(db, localId);
  if (!id) return null;
  try {
    return OrderSummarySchema.parse(await getOrder(db, actor, id));
  } catch (error) {
    if (error instanceof AppError && error.code === 'not_found') return null;
    throw error;
  }
}

async function orderIdOf(db: Db, localId: string): Promise<string> {
  const id = await findOrderIdByLocalId(db, localId);
  if (!id) throw notFound('Commande');
  return id;
}

export function orderRef(order: Order): SyncOrderRef {
  return {
    id: order.id,
    local_id: order.local_id,
    number: order.number,
    version: order.version,
    delivery_status: order.delivery_status,
    total_amount: order.total_amount,
    paid_amount: order.paid_amount,
  };
}

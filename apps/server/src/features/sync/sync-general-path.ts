import {
  SYNC_REJECT_MESSAGES,
  type SyncMutation,
  type SyncMutationResult,
  type SyncRejectReason,
} from '@gapal/shared';
import type { FastifyBaseLogger } from 'fastify';
import type { Actor } from '../../domain/actor.ts';
import { AppError } from '../../domain/errors.ts';
import { runWrite, type WriteContext, type WriteDeps } from '../../domain/write-context.ts';
import { lockDeviceForMutation, storeMutation } from './sync.repo.ts';
import { withTemporaryFailures } from './sync-device.ts';
import { faultReason, storableReason } from './sync-mutation-faults.ts';
import { applyMutation, currentOrderOf, rejectionReason } from './sync-mutations.ts';

export type Outcome = SyncMutationResult | { gap: number };

/** Who pushes: the caller with the device's id, and the device's site. */
export type PushScope = { actor: Actor; deviceId: string; deviceSiteId: string };

/**
 * The general path for one mutation: its own transaction, retried on a passing conflict. Whatever
 * this one mutation triggers (bad data the database refuses, a bug) rejects it, stored like any
 * other outcome, so the device's sequence moves on; only the database itself failing escapes
 * (503 for the whole push). When even the transaction around the mutation failed (reading the
 * order it is about, storing the outcome), a second transaction stores a bare rejection.
 */
export async function processMutation(
  deps: WriteDeps,
  push: PushScope,
  mutation: SyncMutation,
  log?: FastifyBaseLogger,
  now?: Date,
): Promise<Outcome> {
  // withTemporaryFailures retries (and answers 503 when the database stays unavailable).
  const write = (fault?: SyncRejectReason) =>
    withTemporaryFailures(() =>
      runWrite(deps, push.actor, (ctx) => applyInTransaction(ctx, push, mutation, log, fault), {
        name: 'sync.mutation',
        attempts: 1,
        now,
      }),
    );
  try {
    return await write();
  } catch (error) {
    const reason = error instanceof AppError ? undefined : faultReason(error);
    if (!reason) throw error;
    logFault(log, mutation, error, reason);
    return write(reason);
  }
}

// Rejections that are not stored (they concern a sequence or an id, not the order) don't advance.
const UNSTORED_REASONS = new Set(['seq_out_of_order', 'mutation_id_conflict']);
export const isStored = (result: SyncMutationResult) => !UNSTORED_REASONS.has(result.reason?.code ?? '');

/**
 * Locks the device, sorts out duplicates and gaps, then applies the mutation in a savepoint (or,
 * given `fault`, only stores that rejection) and stores the outcome with the device's sequence.
 */
async function applyInTransaction(
  ctx: WriteContext,
  { deviceId, deviceSiteId }: PushScope,
  mutation: SyncMutation,
  log: FastifyBaseLogger | undefined,
  fault?: SyncRejectReason,
): Promise<Outcome> {
  const { tx } = ctx;
  const state = await lockDeviceForMutation(tx, deviceId, mutation.id);
  if (!state || state.revoked) throw new AppError('device_revoked', 'Cet appareil a été révoqué');
  const { id, seq } = mutation;
  if (state.existing) {
    if (state.existing.deviceId !== deviceId) {
      return rejected(mutation, {
        code: 'mutation_id_conflict',
        message: SYNC_REJECT_MESSAGES.mutation_id_conflict,
      });
    }
    const { status: _status, id: _id, seq: storedSeq, ...stored } = state.existing.result;
    return { ...stored, id, seq: storedSeq, status: 'duplicate', original_status: state.existing.status };
  }
  if (seq <= state.lastSeq) {
    return rejected(mutation, {
      code: 'seq_out_of_order',
      message: `${SYNC_REJECT_MESSAGES.seq_out_of_order} (attendu : ${state.lastSeq + 1})`,
      details: { expected_seq: state.lastSeq + 1 },
    });
  }
  if (seq > state.lastSeq + 1) return { gap: state.lastSeq + 1 };

  let result: SyncMutationResult;
  if (fault) {
    result = rejected(mutation, fault);
  } else {
    try {
      const applied = await ctx.savepoint((inner) => applyMutation(inner, deviceSiteId, mutation));
      result = { id, seq, status: 'applied', ...applied };
    } catch (error) {
      // The savepoint is rolled back: the transaction can still read and store the outcome.
      const reason = rejectionReason(error) ?? faultReason(error);
      if (!reason) throw error;
      if (!rejectionReason(error)) logFault(log, mutation, error, reason);
      result = {
        ...rejected(mutation, reason),
        current: await currentOrderOf(tx, ctx.actor, mutation),
      };
    }
  }
  await storeMutation(tx, deviceId, mutation, result);
  return result;
}

function rejected(mutation: SyncMutation, reason: SyncRejectReason): SyncMutationResult {
  return { id: mutation.id, seq: mutation.seq, status: 'rejected', reason: storableReason(reason) };
}

/** A bug is logged as an error (someone must look); data the database refused, as a warning. */
function logFault(
  log: FastifyBaseLogger | undefined,
  mutation: SyncMutation,
  error: unknown,
  reason: SyncRejectReason,
): void {
  const entry = { err: error, mutationId: mutation.id, seq: mutation.seq, name: mutation.name };
  if (reason.code === 'mutation_failed') log?.error(entry, 'sync mutation failed: rejected');
  else log?.warn(entry, 'sync mutation refused by the database: rejected');
}

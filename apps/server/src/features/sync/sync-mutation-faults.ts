import { SYNC_REJECT_MESSAGES, type SyncRejectReason } from '@gapal/shared';
import { isDatabaseUnavailable, postgresErrorCode } from '../../db/database-errors.ts';

/** Serialization failures and deadlocks: the same work may well pass when tried again. */
export const isRetryableConflict = (error: unknown): boolean =>
  ['40001', '40P01'].includes(postgresErrorCode(error) ?? '');

// SQLSTATE classes of the database refusing the data it was given: data exception (a NUL byte,
// a value out of range, a malformed JSON escape), integrity constraint, a trigger's RAISE.
const DATA_CLASSES = new Set(['22', '23', 'P0']);

/**
 * The rejection to store when applying one mutation failed for no business reason: the database
 * refused its data (`data_rejected`, with the SQLSTATE) or the server failed on it
 * (`mutation_failed`: a bug, say a TypeError). Undefined when the database itself failed or the
 * failure is worth retrying: the push then answers 503 and the phone sends the batch again.
 * Refusing the one mutation keeps the phone's queue moving: retrying it would fail the same way.
 */
export function faultReason(error: unknown): SyncRejectReason | undefined {
  if (isDatabaseUnavailable(error) || isRetryableConflict(error)) return undefined;
  const code = postgresErrorCode(error);
  if (code && /^[0-9A-Z]{5}$/.test(code) && DATA_CLASSES.has(code.slice(0, 2))) {
    return {
      code: 'data_rejected',
      message: SYNC_REJECT_MESSAGES.data_rejected,
      details: { sqlstate: code },
    };
  }
  return { code: 'mutation_failed', message: SYNC_REJECT_MESSAGES.mutation_failed };
}

// What PostgreSQL's jsonb and text refuse: the NUL character, and UTF-16 halves without their pair.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the NUL is exactly what is looked for
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * A reason as it can be stored (a JSON column): a zod message may quote a client's key or value,
 * so characters the database refuses are replaced. The stored reason is the one answered, now
 * and to every re-sent copy.
 */
export function storableReason(reason: SyncRejectReason): SyncRejectReason {
  return JSON.parse(
    JSON.stringify(reason, (_key, value: unknown) =>
      typeof value === 'string' ? value.replace(UNSTORABLE, '\ufffd') : value,
    ),
  );
}

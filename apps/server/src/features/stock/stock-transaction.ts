import type { Database, Db, FinishTransaction } from '../../db/client.ts';
import { postgresErrorCode } from '../../db/database-errors.ts';

// How stock changes run: in a transaction that a serialization failure or a deadlock retries a few
// times, so neither reaches the client. The ledger's lock order (stock-ledger.service.ts) should
// make both impossible; this is the net.

const RETRYABLE = new Set(['40001', '40P01']);
const ATTEMPTS = 5;

/** Runs a stock transaction, retried on a serialization failure or a deadlock. */
export function inStockTransaction<T>(db: Db, run: (tx: Db) => Promise<T>, attempts = ATTEMPTS): Promise<T> {
  return retryingConflicts(() => db.transaction((tx) => run(tx)), attempts);
}

/** `inStockTransaction` with its statements pipelined (`Database.pipelinedTransaction`). */
export function inPipelinedStockTransaction<T>(
  database: Database,
  run: (tx: Db, finish: FinishTransaction) => Promise<T>,
): Promise<T> {
  return retryingConflicts(() => database.pipelinedTransaction(run), ATTEMPTS);
}

async function retryingConflicts<T>(transaction: () => Promise<T>, attempts: number): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await transaction();
    } catch (error) {
      const code = postgresErrorCode(error);
      if (!code || !RETRYABLE.has(code) || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}

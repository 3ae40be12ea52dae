import type { z } from 'zod';
import { postgresErrorCode } from '../db/database-errors.ts';
import { AppError } from '../domain/errors.ts';

/** Cursors are opaque to clients: base64url JSON of the last row's sort key. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor<T extends z.ZodType>(cursor: string, schema: T): z.infer<T> {
  try {
    return schema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw invalidCursor();
  }
}

/**
 * Runs a keyset page query whose cursor key PostgreSQL casts to the sort's type: the key is the
 * one value no schema could check, so a forged one its type can't hold (a data exception, class
 * 22) is the client's error, a 400, not a 500.
 */
export async function withCursorKey<T>(cursor: string | undefined, page: Promise<T>): Promise<T> {
  try {
    return await page;
  } catch (error) {
    if (cursor && postgresErrorCode(error)?.startsWith('22')) throw invalidCursor();
    throw error;
  }
}

function invalidCursor(): AppError {
  return new AppError('validation_error', 'Curseur de pagination invalide', {
    fields: [{ field: 'cursor', message: 'invalide', code: 'invalid_cursor' }],
  });
}

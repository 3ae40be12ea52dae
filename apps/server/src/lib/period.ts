import { type Column, type SQL, sql } from 'drizzle-orm';
import { AppError } from '../http/errors.ts';

/**
 * Conditions for a period given as calendar dates in the business time zone; both ends
 * are inclusive days. A start after the end is a 400.
 */
export function periodConditions(
  column: Column | SQL,
  from: string | undefined,
  to: string | undefined,
  timeZone: string,
): SQL[] {
  if (from && to && from > to) {
    throw new AppError('validation_error', 'La date de début est après la date de fin', {
      fields: [{ field: 'from', message: 'après la date de fin' }],
    });
  }
  const conditions: SQL[] = [];
  if (from) conditions.push(sql`${column} >= (${from}::date::timestamp AT TIME ZONE ${timeZone})`);
  if (to) conditions.push(sql`${column} < ((${to}::date + 1)::timestamp AT TIME ZONE ${timeZone})`);
  return conditions;
}

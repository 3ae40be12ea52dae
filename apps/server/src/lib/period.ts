import { type Column, type Placeholder, type SQL, sql } from 'drizzle-orm';
import { AppError } from '../domain/errors.ts';

/** A period's start after its end is a 400 (dates as `YYYY-MM-DD` compare as text). */
export function assertPeriod(from: string | undefined, to: string | undefined, field = 'from'): void {
  if (from && to && from > to) {
    throw new AppError('validation_error', 'La date de début est après la date de fin', {
      fields: [{ field, message: 'après la date de fin', code: 'after_end_date' }],
    });
  }
}

/**
 * Conditions for a period given as calendar dates in the business time zone; both ends
 * are inclusive days. A start after the end is a 400. The ends and the zone may be placeholders
 * of a statement built once and run with values (order-list.service.ts), checked by the caller.
 */
export function periodConditions(
  column: Column | SQL,
  from: string | Placeholder | undefined,
  to: string | Placeholder | undefined,
  timeZone: string | Placeholder,
): SQL[] {
  if (typeof from === 'string' && typeof to === 'string') assertPeriod(from, to);
  const conditions: SQL[] = [];
  if (from) conditions.push(sql`${column} >= (${from}::date::timestamp AT TIME ZONE ${timeZone})`);
  if (to) conditions.push(sql`${column} < ((${to}::date + 1)::timestamp AT TIME ZONE ${timeZone})`);
  return conditions;
}

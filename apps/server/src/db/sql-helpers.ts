import { type Column, type Placeholder, type SQL, type SQLWrapper, sql } from 'drizzle-orm';
import { assertPeriod } from '../lib/period.ts';

/** `Date.prototype.toISOString`'s format, for `to_char(… AT TIME ZONE 'UTC', …)`. */
const ISO_FORMAT = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/** A timestamptz column as an ISO string, formatted by the database the same on both drivers. */
export function isoText(column: SQL): SQL {
  return sql`to_char(${column} AT TIME ZONE 'UTC', ${sql.raw(ISO_FORMAT)})`;
}

/** `isoText` for a statement written out as text (the prepared statements of queryPrepared). */
export function isoTextRaw(expression: string): string {
  return `to_char(${expression} AT TIME ZONE 'UTC', ${ISO_FORMAT})`;
}

/**
 * The ways a value is written into `jsonObjectText`'s JSON text. `string` escapes through
 * `to_json`; `token` is for uuids and enum labels, which hold no character JSON escapes.
 * A null value of any kind is written `null`.
 */
export const jsonText = {
  string: (value: SQLWrapper) => sql`to_json((${value})::text)::text`,
  token: (value: SQLWrapper) => sql`'"' || (${value})::text || '"'`,
  number: (value: SQLWrapper) => sql`(${value})::text`,
  /** `true` or `false` (a boolean's text). */
  boolean: (value: SQLWrapper) => sql`(${value})::text`,
  date: (value: SQLWrapper) => sql`'"' || to_char(${value}, 'YYYY-MM-DD') || '"'`,
  time: (value: SQLWrapper) => sql`'"' || ${isoText(sql`${value}`)} || '"'`,
};

/**
 * A JSON object built as text by concatenation, for rows sent as they come (the order list):
 * PostgreSQL 15's `json_build_object` looks up each value's type and output function again for
 * every field of every row, which made it cost half as much again (bench/RESULTS.md).
 */
export function jsonObjectText(fields: Record<string, SQL>): SQL {
  const parts = Object.entries(fields).map(([name, value], index) => {
    if (!/^[a-z_]+$/.test(name)) throw new Error(`jsonObjectText: unsafe field name ${name}`);
    return sql`${sql.raw(`'${index === 0 ? '{' : ','}"${name}":'`)} || coalesce(${value}, 'null')`;
  });
  return sql`(${sql.join(parts, sql` || `)} || '}')`;
}

/** `%text%` for ILIKE, with the pattern characters of the input escaped. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, '\\$&')}%`;
}

/**
 * Conditions for a period given as calendar dates in the business time zone; both ends
 * are inclusive days. A start after the end is a 400. The ends and the zone may be placeholders
 * of a statement built once and run with values (order-list.repo.ts), checked by the caller.
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

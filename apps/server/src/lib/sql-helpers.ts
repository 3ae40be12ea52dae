import { type SQL, type SQLWrapper, sql } from 'drizzle-orm';

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

/** `YYYY-MM-DD` plus some days (calendar arithmetic, no time zone involved). */
export function addDays(isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

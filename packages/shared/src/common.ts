import { z } from 'zod';

export const IdSchema = z.uuid();
export const IdParamsSchema = z.strictObject({ id: IdSchema });

export const CONTROL_CHARACTER_MESSAGE = 'caractère de contrôle interdit';

// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what it refuses.
const SINGLE_LINE_TEXT = /^[^\u0000-\u001F\u007F]*$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what it refuses.
const MULTI_LINE_TEXT = /^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]*$/;

/**
 * Text a client sends. Both refuse the C0 control characters (U+0000–U+001F) and DEL (U+007F):
 * PostgreSQL cannot store a NUL in text (it answered 500), and the others have no place in what
 * people type. Multi-line text (notes, addresses, descriptions) keeps tab, line feed and carriage
 * return. Every string field of every input schema starts from one of these; a server test walks
 * the routes' schemas and fails on a field that accepts a NUL.
 */
export function singleLineText(options: TextOptions = {}) {
  return controlFreeText(SINGLE_LINE_TEXT, options);
}

/** As `singleLineText`, with tab, line feed and carriage return allowed. */
export function multiLineText(options: TextOptions = {}) {
  return controlFreeText(MULTI_LINE_TEXT, options);
}

export type TextOptions = {
  /**
   * Trim surrounding whitespace before the check, as `.trim()` does: a tab or line break pasted
   * around a name is dropped, as before, rather than refused.
   */
  trim?: boolean;
};

function controlFreeText(allowed: RegExp, { trim = false }: TextOptions) {
  return (trim ? z.string().trim() : z.string()).regex(allowed, CONTROL_CHARACTER_MESSAGE);
}

/** Whole amounts in the business currency (XOF has no minor unit). */
export const AmountSchema = z.number().int().nonnegative();

/** ISO calendar date, `YYYY-MM-DD`. */
export const IsoDateSchema = z.iso.date();
export const IsoDateTimeSchema = z.iso.datetime({ offset: true });

/** Query-string limit with a default and a hard maximum. */
export function pageLimit(defaultSize: number, max: number) {
  return z.coerce.number().int().min(1).max(max).default(defaultSize);
}

/** A cursor page: `next_cursor` is null on the last page. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), next_cursor: z.string().nullable() });
}

/** Query strings carry booleans as text. */
export const QueryBooleanSchema = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');

import { z } from 'zod';

export const IdSchema = z.uuid();
export const IdParamsSchema = z.strictObject({ id: IdSchema });

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

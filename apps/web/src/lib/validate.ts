import type { z } from 'zod';
import { errorFromZod } from './api-error.ts';

/**
 * Parses a form's input with the shared schema before sending it, so field errors show at once
 * and in the same shape as the server's.
 */
export function validated<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw errorFromZod(parsed.error);
  return parsed.data;
}

/** Empty text inputs mean "not given". */
export function blankToNull(value: string): string | null {
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

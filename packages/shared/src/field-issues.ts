/**
 * What is wrong with one field, as a stable code and parameters, so every client renders it in
 * its own language (`details.fields[].code` / `params` of a `validation_error`). The codes are
 * zod's own issue codes, plus `required` (nothing given) and `control_character` (the text rule
 * of `singleLineText`/`multiLineText`), and the services' own checks (`already_used`…).
 */
import { CONTROL_CHARACTER_MESSAGE } from './common.ts';

export const FIELD_ISSUE_CODES = [
  'required',
  'control_character',
  'invalid_type',
  'too_small',
  'too_big',
  'invalid_format',
  'invalid_value',
  'not_multiple_of',
  'unrecognized_keys',
  'invalid_union',
  'invalid_key',
  'invalid_element',
  'custom',
  // The services' own checks.
  'already_used',
  'unknown_reference',
  'past_date',
  'after_end_date',
  'exceeds_balance',
  'exceeds_credit',
  'empty_lot',
  'expired_lot',
  'positive_integer',
  'duplicate',
  'exceeds_returnable',
  'lot_other_product',
  'lot_expiry_mismatch',
  'expiry_required',
  'period_too_long',
  'invalid_cursor',
  'cursor_other_sort',
  'exactly_one_of',
] as const;
export type FieldIssueCode = (typeof FIELD_ISSUE_CODES)[number];

export type FieldIssueParams = Record<string, string | number | boolean>;

/** The parts of a zod issue this reads (zod's own, or Fastify's copy of it in `params`). */
export type ZodIssueLike = { code?: string; message?: string; [key: string]: unknown };

const PARAM_KEYS = ['origin', 'minimum', 'maximum', 'inclusive', 'expected', 'format', 'divisor'] as const;

/** The code and the parameters of one zod issue. */
export function fieldIssueOf(issue: ZodIssueLike): { code: FieldIssueCode; params: FieldIssueParams } {
  const params: FieldIssueParams = {};
  for (const key of PARAM_KEYS) {
    const value = issue[key];
    if (typeof value === 'string' || typeof value === 'boolean') params[key] = value;
    else if (typeof value === 'number' || typeof value === 'bigint') params[key] = Number(value);
  }
  if (Array.isArray(issue.keys)) params.keys = issue.keys.map(String).join(', ');
  if (Array.isArray(issue.values)) params.values = issue.values.map(String).join(', ');
  if (issue.message === CONTROL_CHARACTER_MESSAGE) return { code: 'control_character', params: {} };
  // zod leaves the input out of its issues; its message names what was received.
  if (issue.code === 'invalid_type' && /\bundefined\b/.test(issue.message ?? '')) {
    return { code: 'required', params };
  }
  if (issue.code === 'too_small' && params.origin === 'string' && params.minimum === 1) {
    return { code: 'required', params };
  }
  const known = (FIELD_ISSUE_CODES as readonly string[]).includes(issue.code ?? '');
  return { code: known ? (issue.code as FieldIssueCode) : 'custom', params };
}

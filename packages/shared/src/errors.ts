import { z } from 'zod';

/** Every error code the API can answer with, and the HTTP status it maps to. */
export const ERROR_STATUS = {
  validation_error: 400,
  bad_request: 400,
  unauthorized: 401,
  invalid_credentials: 401,
  token_expired: 401,
  token_invalid: 401,
  refresh_token_reused: 401,
  account_disabled: 401,
  device_revoked: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  request_timeout: 408,
  conflict: 409,
  insufficient_stock: 409,
  invalid_transition: 409,
  version_conflict: 409,
  /** Another live client of the site has this phone (`details.client` names it). */
  client_phone_taken: 409,
  /** A merge of a client into itself, across sites, or of a client already merged. */
  client_merge_invalid: 409,
  /** A client id a phone made is already used by a client with other content. */
  client_id_taken: 409,
  /** A credit moved to an order that can't take it: the same order, another client's, closed or cancelled. */
  credit_target_invalid: 409,
  payload_too_large: 413,
  uri_too_long: 414,
  unsupported_media_type: 415,
  range_not_satisfiable: 416,
  upgrade_required: 426,
  rate_limited: 429,
  header_too_large: 431,
  internal_error: 500,
  service_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export const ErrorCodeSchema = z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]);

/** The one error shape of every 4xx/5xx answer. */
export const ErrorBodySchema = z.object({
  error: z.object({
    code: ErrorCodeSchema,
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/**
 * A validation problem on one field, as listed in `details.fields`: the French `message`, and
 * the same as a code of `FIELD_ISSUE_CODES` with its parameters, for a client in another language
 * (optional, so an answer from an older server still parses; an unknown code renders `message`).
 */
export const FieldIssueSchema = z.object({
  field: z.string(),
  message: z.string(),
  code: z.string().optional(),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});
export type FieldIssue = z.infer<typeof FieldIssueSchema>;

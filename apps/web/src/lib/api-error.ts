import { ErrorBodySchema, type FieldIssue, FieldIssueSchema, fieldIssueOf } from '@gapal/shared';
import { z } from 'zod';
import { getLocale, type MessageKey, t } from './i18n.ts';
import { renderErrorMessage, renderFieldIssue, serverMessage } from './server-messages.ts';

/**
 * An API failure as the UI shows it: a sentence in the reader's language (rendered from the
 * code and details, `server-messages.ts`) plus, per field, what is wrong.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** A code of the shared error table, or `network_error` / `bad_response` from the client. */
    readonly code: string,
    message: string,
    /** Field path (`client_name`, `items.0.quantity`) → readable message. */
    readonly fields: Record<string, string> = {},
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const FieldsDetailsSchema = z.object({ fields: z.array(FieldIssueSchema) });

/** Turns any failed response into an ApiError, whatever its body. */
export async function errorFromResponse(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's HTML page): fall through to a generic message.
  }
  const parsed = ErrorBodySchema.safeParse(body);
  if (!parsed.success) {
    return new ApiError(response.status, 'internal_error', t('common.unknown_error'));
  }
  const { code, message, details } = parsed.data.error;
  const fields: Record<string, string> = {};
  const fieldDetails = FieldsDetailsSchema.safeParse(details);
  if (fieldDetails.success) {
    for (const issue of fieldDetails.data.fields) fields[issue.field] ??= fieldMessage(issue);
  }
  const shown = renderErrorMessage(getLocale(), { code, message, details }, { status: statusLabel });
  return new ApiError(response.status, code, shown, fields, details);
}

function statusLabel(status: string): string {
  const key = `status.${status}` as MessageKey;
  const label = t(key);
  return label === key ? status : label;
}

/** A field's problem in the reader's language; an issue without a known code keeps its message. */
function fieldMessage(issue: FieldIssue): string {
  return renderFieldIssue(getLocale(), { ...issue, message: localizeFieldMessage(issue.message) });
}

/** Field errors from a client-side parse with the same shared schema, before anything is sent. */
export function errorFromZod(error: z.ZodError): ApiError {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    fields[issue.path.join('.')] ??= fieldMessage({
      field: issue.path.join('.'),
      message: issue.message,
      ...fieldIssueOf(issue as never),
    });
  }
  const names = Object.keys(fields).join(', ');
  const message = serverMessage(getLocale(), 'error.validation_error.detail', { fields: names });
  return new ApiError(400, 'validation_error', message ?? `Données invalides : ${names}`, fields);
}

const RULES: [RegExp, (match: RegExpMatchArray) => string][] = [
  [/^Invalid input: expected \w+, received undefined/, () => 'obligatoire'],
  [/^Too small: expected string to have >=1 characters?/, () => 'obligatoire'],
  [/^Too small: expected string to have >=(\d+)/, (m) => `au moins ${m[1]} caractères`],
  [/^Too big: expected string to have <=(\d+)/, (m) => `au plus ${m[1]} caractères`],
  [/^Too small: expected array to have >=(\d+)/, (m) => `au moins ${m[1]} élément(s)`],
  [/^Too big: expected array to have <=(\d+)/, (m) => `au plus ${m[1]} éléments`],
  [/^Too small: expected number to be >0\b/, () => 'doit être supérieur à 0'],
  [/^Too small: expected number to be >=(\d+)/, (m) => `doit être au moins ${m[1]}`],
  [/^Too small: expected number to be >(\d+)/, (m) => `doit être supérieur à ${m[1]}`],
  [/^Too big: expected number to be <=?(\d+)/, (m) => `doit être au plus ${m[1]}`],
  [/^Invalid input: expected int/, () => 'nombre entier attendu'],
  [/^Invalid input: expected number/, () => 'nombre attendu'],
  [/^Invalid (option|input: expected one of)/, () => 'choix invalide'],
  [/^Invalid UUID/i, () => 'identifiant invalide'],
  [/^Invalid ISO date/i, () => 'date invalide (AAAA-MM-JJ)'],
  [/^Invalid (email|e-mail)/i, () => 'adresse e-mail invalide'],
  [/^Unrecognized keys?/, () => 'champ inconnu'],
  [/^Invalid string: must match pattern/, () => 'format invalide'],
];

/**
 * The server's own messages are French; zod's defaults are English. Known English patterns
 * get a French sentence, anything else English-looking becomes a generic one.
 */
export function localizeFieldMessage(message: string): string {
  for (const [pattern, render] of RULES) {
    const match = message.match(pattern);
    if (match) return render(match);
  }
  return /^(Invalid|Too |Expected|Required)/.test(message) ? 'valeur invalide' : message;
}

/**
 * The server's messages rendered by code in the reader's language (issue #22): errors, sync
 * refusals and field problems. The server's French text stays the fallback for a code this
 * catalogue does not know (a newer server). No React and no dashboard dictionary here, so the
 * vendor app can use it too.
 */
import type { FieldIssue } from '@gapal/shared';
import type { Locale } from './locale.ts';
import { serverEn } from './messages/server.en.ts';
import { type ServerMessageKey, serverFr } from './messages/server.fr.ts';

export type { ServerMessageKey };
export type MessageVars = Record<string, string | number>;

export const SERVER_CATALOGUES: Record<Locale, Record<ServerMessageKey, string>> = {
  fr: serverFr,
  en: serverEn,
};

export function hasServerMessage(key: string): key is ServerMessageKey {
  return key in serverFr;
}

/** The template of `key` in `locale` with `{name}` replaced; undefined when a parameter is missing. */
export function serverMessage(
  locale: Locale,
  key: ServerMessageKey,
  vars: MessageVars = {},
): string | undefined {
  let isComplete = true;
  const text = SERVER_CATALOGUES[locale][key].replace(/\{(\w+)\}/g, (_whole, name: string) => {
    const value = vars[name];
    if (value === undefined) isComplete = false;
    return String(value);
  });
  return isComplete ? text : undefined;
}

/** How a caller turns an enum value of the details (a delivery status) into words. */
export type Labels = { status?: (value: string) => string };

type Shortage = { product_id: string; product_name?: string; requested: number; available: number };

/**
 * An API error as a sentence in `locale`: from the code and its details when the catalogue can
 * say it precisely (a stock shortage, a status change, fields), otherwise the server's own French
 * sentence for a French reader (it names the thing) and the code's sentence for the others; the
 * server's sentence when the code is unknown.
 */
export function renderErrorMessage(
  locale: Locale,
  error: { code: string; message: string; details?: unknown },
  labels: Labels = {},
): string {
  const details = (error.details ?? {}) as Record<string, unknown>;
  if (error.code === 'insufficient_stock' && Array.isArray(details.shortages)) {
    const shortages = (details.shortages as Shortage[]).map((shortage) =>
      serverMessage(locale, 'error.insufficient_stock.shortage', {
        product: shortage.product_name ?? shortage.product_id,
        requested: shortage.requested,
        available: shortage.available,
      }),
    );
    const text = serverMessage(locale, 'error.insufficient_stock.detail', {
      shortages: shortages.join(' ; '),
    });
    if (text && shortages.length > 0) return text;
  }
  if (
    error.code === 'invalid_transition' &&
    typeof details.from === 'string' &&
    typeof details.to === 'string'
  ) {
    const status = labels.status ?? ((value: string) => value);
    const text = serverMessage(locale, 'error.invalid_transition.detail', {
      from: status(details.from),
      to: status(details.to),
    });
    if (text) return text;
  }
  // A more precise sentence for what the details name: `error.not_found.order`.
  const precise = `error.${error.code}.${String(details.resource ?? '')}`;
  if (typeof details.resource === 'string' && hasServerMessage(precise)) {
    return serverMessage(locale, precise) ?? error.message;
  }
  const key = `error.${error.code}`;
  if (!hasServerMessage(key)) return error.message;
  if (locale === 'fr' && error.message) return error.message;
  return serverMessage(locale, key) ?? error.message;
}

/** A sync refusal's reason (`reason.code`, `reason.message`) in `locale`. */
export function renderRejection(locale: Locale, reason: { code: string; message: string }): string {
  const own = `sync_reject.${reason.code}`;
  if (hasServerMessage(own)) return serverMessage(locale, own) ?? reason.message;
  return renderErrorMessage(locale, reason);
}

/**
 * One field's problem in `locale`, from its code and parameters; the server's French `message`
 * when it has no code this catalogue knows (a service's own check: « produit inconnu »).
 */
export function renderFieldIssue(
  locale: Locale,
  issue: Pick<FieldIssue, 'message' | 'code' | 'params'>,
): string {
  if (!issue.code || !hasServerMessage(`field.${issue.code}`)) return issue.message;
  const params = issue.params ?? {};
  // A pattern's own French words (« majuscules et chiffres uniquement ») say more than any
  // catalogue entry for all patterns; other languages get the general sentence.
  if (locale === 'fr' && issue.code === 'invalid_format' && params.format === 'regex') return issue.message;
  for (const key of fieldVariants(issue.code, params)) {
    if (hasServerMessage(key)) {
      const text = serverMessage(locale, key, params as MessageVars);
      if (text) return text;
    }
  }
  return serverMessage(locale, `field.${issue.code}` as ServerMessageKey) ?? issue.message;
}

/** The more precise keys first: `too_small.string`, `too_small.number_exclusive`, `invalid_format.date`. */
function fieldVariants(code: string, params: Record<string, unknown>): string[] {
  if (code === 'too_small' || code === 'too_big') {
    const origin = String(params.origin ?? '');
    if (origin === 'number' && params.inclusive === false) return [`field.${code}.number_exclusive`];
    return [`field.${code}.${origin}`];
  }
  if (code === 'invalid_format') return [`field.invalid_format.${String(params.format ?? '')}`];
  return [];
}

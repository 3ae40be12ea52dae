import type { Notification } from '@gapal/shared';
import { formatAmount, formatDate } from '../../lib/format.ts';
import { getLocale, type Locale, type MessageKey } from '../../lib/i18n.ts';
import { en } from '../../lib/messages/en.ts';
import { fr } from '../../lib/messages/fr.ts';
import { hasServerMessage, type MessageVars, serverMessage } from '../../lib/server-messages.ts';

/**
 * A notification's title and body in the reader's language, from its code and parameters; the
 * server's French `title`/`body` for a French reader (they are that rendering, and a refused
 * sync's body lists the reasons themselves), and when a parameter is missing (a row older than
 * its parameters) or the code is unknown to this catalogue.
 */
export function notificationText(
  notification: Pick<Notification, 'code' | 'params' | 'title' | 'body'>,
  locale: Locale = getLocale(),
): { title: string; body: string } {
  const fallback = { title: notification.title, body: notification.body };
  if (locale === 'fr') return fallback;
  const vars = readableParams(notification.params ?? {}, locale);
  const titleKey =
    notification.code === 'sync_rejetee' && vars.count === 1
      ? 'notification.sync_rejetee.title_one'
      : `notification.${notification.code}.title`;
  const bodyKey = `notification.${notification.code}.body`;
  if (!hasServerMessage(titleKey) || !hasServerMessage(bodyKey)) return fallback;
  const title = serverMessage(locale, titleKey, vars);
  const body = serverMessage(locale, bodyKey, vars);
  return title === undefined || body === undefined ? fallback : { title, body };
}

/** Amounts, dates and enum values as the reader reads them. */
function readableParams(params: Record<string, string | number>, locale: Locale): MessageVars {
  const vars: MessageVars = { ...params };
  for (const key of ['total_amount', 'amount', 'paid_amount'] as const) {
    if (typeof params[key] === 'number') vars[key] = formatAmount(params[key]);
  }
  if (typeof params.expiry_date === 'string') vars.expiry_date = formatDate(params.expiry_date);
  for (const key of ['from', 'to'] as const) {
    if (typeof params[key] === 'string') vars[key] = label(locale, `status.${params[key]}`, params[key]);
  }
  if (typeof params.method === 'string')
    vars.method = label(locale, `method.${params.method}`, params.method);
  if (typeof params.payment_status === 'string') {
    vars.payment_status = label(locale, `payment.${params.payment_status}`, params.payment_status);
  }
  if (typeof params.days_left === 'number') {
    const days = params.days_left;
    vars.when =
      (days === 0
        ? serverMessage(locale, 'notification.when.today')
        : days === 1
          ? serverMessage(locale, 'notification.when.tomorrow')
          : serverMessage(locale, 'notification.when.days', { days })) ?? String(days);
  }
  return vars;
}

const LABELS: Record<Locale, Record<MessageKey, string>> = { fr, en };

/** A status, method or payment state in `locale` (the reader's, or the one asked for). */
function label(locale: Locale, key: string, fallback: string): string {
  return LABELS[locale][key as MessageKey] ?? fallback;
}

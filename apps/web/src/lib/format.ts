import { getLocale } from './locale.ts';
import { getSettings } from './settings.ts';

const cache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();

function dateFormat(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  // Both languages show day/month/year: the business is in Burkina Faso whatever the UI language.
  const locale = getLocale() === 'en' ? 'en-GB' : 'fr-FR';
  const key = `d|${locale}|${getSettings().time_zone}|${JSON.stringify(options)}`;
  let format = cache.get(key) as Intl.DateTimeFormat | undefined;
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { timeZone: getSettings().time_zone, ...options });
    cache.set(key, format);
  }
  return format;
}

function numberFormat(options: Intl.NumberFormatOptions = {}): Intl.NumberFormat {
  const key = `n|${JSON.stringify(options)}`;
  let format = cache.get(key) as Intl.NumberFormat | undefined;
  if (!format) {
    format = new Intl.NumberFormat('fr-FR', options);
    cache.set(key, format);
  }
  return format;
}

function toDate(value: string | Date): Date {
  if (value instanceof Date) return value;
  // A bare calendar date is a business day, not an instant: read it at noon UTC so no zone shifts it.
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T12:00:00Z`) : new Date(value);
}

/**
 * Zones at UTC+0 all year (West Africa, Burkina Faso's included, and UTC itself): their dates are
 * written from the UTC fields, as Intl writes them for both languages (`dd/mm/yyyy hh:mm`, 24 h).
 * The first `Intl.DateTimeFormat` of a page loads the time-zone data: 30-130 ms on this project's
 * dev machine, four times that on a slow phone reopening the app (format.test.ts keeps both equal).
 */
const UTC_ALL_YEAR = new Set([
  'UTC',
  'Etc/UTC',
  'GMT',
  'Etc/GMT',
  'Africa/Ouagadougou',
  'Africa/Abidjan',
  'Africa/Accra',
  'Africa/Bamako',
  'Africa/Banjul',
  'Africa/Bissau',
  'Africa/Conakry',
  'Africa/Dakar',
  'Africa/Freetown',
  'Africa/Lome',
  'Africa/Monrovia',
  'Africa/Nouakchott',
]);

const twoDigits = (value: number) => String(value).padStart(2, '0');

function utcDate(date: Date): string {
  return `${twoDigits(date.getUTCDate())}/${twoDigits(date.getUTCMonth() + 1)}/${date.getUTCFullYear()}`;
}

/** `21/11/2026` */
export function formatDate(value: string | Date | null | undefined): string {
  if (!value) return '—';
  if (UTC_ALL_YEAR.has(getSettings().time_zone)) return utcDate(toDate(value));
  return dateFormat({ day: '2-digit', month: '2-digit', year: 'numeric' }).format(toDate(value));
}

/** `21/11/2026 14:05` */
export function formatDateTime(value: string | Date | null | undefined): string {
  if (!value) return '—';
  if (UTC_ALL_YEAR.has(getSettings().time_zone)) {
    const date = toDate(value);
    return `${utcDate(date)} ${twoDigits(date.getUTCHours())}:${twoDigits(date.getUTCMinutes())}`;
  }
  return dateFormat({
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  })
    .format(toDate(value))
    .replace(',', '');
}

/** `12 500` */
export function formatNumber(value: number): string {
  // Whole numbers (every amount in FCFA) written as fr-FR does, without Intl: its first use on a
  // page loads the locale's data, a cost the vendor phone paid on its start-up path.
  if (Number.isSafeInteger(value)) return groupThousands(value);
  return numberFormat().format(value);
}

/** Groups of three digits joined by a narrow no-break space, as `Intl.NumberFormat('fr-FR')`. */
function groupThousands(value: number): string {
  const grouped = String(Math.abs(value)).replace(/\B(?=(\d{3})+$)/g, '\u202f');
  return value < 0 || Object.is(value, -0) ? `-${grouped}` : grouped;
}

/** `12 500 FCFA`: XOF is shown the way people in Burkina Faso write it. */
export function formatAmount(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const { currency } = getSettings();
  if (currency === 'XOF' || currency === 'XAF') return `${formatNumber(value)}\u00a0FCFA`;
  return numberFormat({ style: 'currency', currency }).format(value);
}

/** Today's date in the business time zone, `YYYY-MM-DD`. */
export function todayIso(): string {
  return isoDateInZone(new Date());
}

export function isoDateInZone(date: Date): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: getSettings().time_zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(date);
  return parts;
}

export function addDays(isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

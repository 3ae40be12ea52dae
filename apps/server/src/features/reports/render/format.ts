import type { DeliveryStatus, PaymentMethod, PaymentStatus } from '@gapal/shared';
import { formatNumber } from '../../../lib/format-number.ts';

/** What people call the currency: XOF and XAF are both said "FCFA". */
export function currencyLabel(code: string): string {
  return code === 'XOF' || code === 'XAF' ? 'FCFA' : code;
}

export function formatAmount(value: number, currency: string): string {
  return `${formatNumber(value)} ${currency}`;
}

/** `2026-11-21` → `21/11/2026`. */
export function formatDate(isoDate: string): string {
  const [year, month, day] = isoDate.split('-');
  return `${day}/${month}/${year}`;
}

const partFormats = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, Map<number, number>>();
const OFFSET_BUCKET_MS = 15 * 60_000;

/**
 * The zone's offset from UTC at an instant, in ms. Intl is slow for the hundred thousand rows
 * of an export, and offsets only change on quarter hours, so it is asked once per quarter hour.
 */
function offsetAt(instant: Date, timeZone: string): number {
  let zone = offsets.get(timeZone);
  if (!zone) {
    zone = new Map();
    offsets.set(timeZone, zone);
  }
  const bucket = Math.floor(instant.getTime() / OFFSET_BUCKET_MS);
  let offset = zone.get(bucket);
  if (offset === undefined) {
    let format = partFormats.get(timeZone);
    if (!format) {
      format = new Intl.DateTimeFormat('en-CA', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
      });
      partFormats.set(timeZone, format);
    }
    const p = Object.fromEntries(format.formatToParts(instant).map((part) => [part.type, part.value]));
    const wall = Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!, +p.second!);
    offset = wall - Math.floor(instant.getTime() / 1000) * 1000;
    if (zone.size > 200_000) zone.clear();
    zone.set(bucket, offset);
  }
  return offset;
}

/** Calendar date and clock time of an instant in the business time zone. */
export function localParts(instant: Date, timeZone: string): { date: string; time: string } {
  const iso = new Date(instant.getTime() + offsetAt(instant, timeZone)).toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 19) };
}

/** `21/11/2026 14:05` in the business time zone. */
export function formatDateTime(instant: Date, timeZone: string): string {
  const { date, time } = localParts(instant, timeZone);
  return `${formatDate(date)} ${time.slice(0, 5)}`;
}

/** `2026-11-21 14:05:09`: sortable, and read as a date by every spreadsheet whatever its locale. */
export function csvDateTime(instant: Date | null, timeZone: string): string {
  if (!instant) return '';
  const { date, time } = localParts(instant, timeZone);
  return `${date} ${time}`;
}

/**
 * Spreadsheet cells have no time zone: the instant is shifted so that its UTC fields are the
 * business wall-clock time, which is what the reader expects to see.
 */
export function wallClock(instant: Date, timeZone: string): Date {
  const { date, time } = localParts(instant, timeZone);
  return new Date(`${date}T${time}Z`);
}

/** An ISO calendar date as a spreadsheet date (midnight UTC, shown without time). */
export function calendarDate(isoDate: string): Date {
  return new Date(`${isoDate}T00:00:00Z`);
}

export const DELIVERY_STATUS_LABELS: Record<DeliveryStatus, string> = {
  nouvelle: 'Nouvelle',
  en_preparation: 'En préparation',
  en_cours: 'En cours',
  livree: 'Livrée',
  annulee: 'Annulée',
};

export const PAYMENT_STATUS_LABELS: Record<PaymentStatus, string> = {
  non_payee: 'Non payée',
  partielle: 'Partielle',
  payee: 'Payée',
};

export const PAYMENT_METHOD_LABELS: Record<PaymentMethod, string> = {
  especes: 'Espèces',
  orange_money: 'Orange Money',
  moov_money: 'Moov Money',
  autre: 'Autre',
  avoir: 'Avoir',
};
